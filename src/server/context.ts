/** What every route and middleware can reach: the dependencies and per-request variables. */
import type { Context } from 'hono';
import type { RecentEvents } from './admin/recent';
import type { AdminSessionView } from './admin/session';
import type { PasswordHasher } from './auth/passwords';
import type { Config } from './config';
import type { Logger } from './log';
import type { AccessGrant, Store } from './store/types';

export interface Deps {
  store: Store;
  config: Config;
  /** Epoch milliseconds; injectable so tests can drive expiry and retention. */
  clock: () => number;
  logger: Logger;
  /** The peer address of the connection; runtime-specific, so the runtime adapter supplies it. */
  peerAddress: (c: Context<AppEnv>) => string | undefined;
  passwords: PasswordHasher;
  /** Recent error responses and throttle refusals of this process, for the admin overview. */
  recent: RecentEvents;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by bearer auth on /v1 routes that need a device. */
    auth: AccessGrant;
    /** Set on the OAuth endpoints so errors take OAuth's shape. */
    oauthEndpoint: boolean;
    /** Set by the admin guard on /admin/api routes behind a session. */
    admin: AdminSessionView;
    /** The problem or OAuth error code answered, for the request log. */
    problemCode: string;
  };
}
