/**
 * The HTTP application, independent of the runtime: give it a store, a config and a clock, and
 * serve its `fetch` with any adapter (src/server/serve.ts does it for Node).
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { adminHeaders } from './admin/guard';
import { RecentEvents } from './admin/recent';
import { PasswordHasher } from './auth/passwords';
import type { Config } from './config';
import type { AppEnv, Deps } from './context';
import { createErrorHandler, methodNotAllowedResponse, notFoundHandler } from './errors';
import { createLogger, type Logger } from './log';
import { limitBody } from './middleware/body-limit';
import { corsForApi } from './middleware/cors';
import { dateHeader } from './middleware/date-header';
import { requestLog } from './middleware/request-log';
import { baseSecurityHeaders } from './middleware/security-headers';
import { registerRoutes } from './routes';
import type { Store } from './store/types';

export interface AppOptions {
  store: Store;
  config: Config;
  clock?: () => number;
  logger?: Logger;
  /** The connection's peer address; the Node adapter passes one, other runtimes their own. */
  peerAddress?: Deps['peerAddress'];
  /** Serves a built web app at / (see src/server/web.ts). */
  web?: MiddlewareHandler<AppEnv>;
  /** Serves the built admin page at /admin/ (see src/server/web.ts). */
  admin?: MiddlewareHandler<AppEnv>;
  /** Password hashing at the production cost unless a test server chooses a cheaper one. */
  passwords?: PasswordHasher;
}

export function createApp(options: AppOptions): Hono<AppEnv> {
  const deps: Deps = {
    store: options.store,
    config: options.config,
    clock: options.clock ?? Date.now,
    logger: options.logger ?? createLogger(options.config.logLevel),
    peerAddress: options.peerAddress ?? (() => undefined),
    passwords: options.passwords ?? new PasswordHasher(),
    recent: new RecentEvents(),
  };
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(deps.logger));
  app.notFound(notFoundHandler);

  app.use('*', requestLog(deps));
  app.use('*', baseSecurityHeaders);
  app.use('*', dateHeader(deps.clock));
  // Outside methodNotAllowed, so even a refused OPTIONS preflight carries the admin headers.
  app.use('/admin/api/*', adminHeaders);
  app.use('*', methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedResponse }));
  app.use('/v1/*', corsForApi(deps.config.appOrigins));
  app.use('/v1/auth/device', oauthEndpoint);
  app.use('/v1/auth/token', oauthEndpoint);
  app.use('/v1/*', limitBody(deps.config.maxBodyBytes));

  registerRoutes(app, deps, options.web, options.admin);
  return app;
}

const oauthEndpoint: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('oauthEndpoint', true);
  await next();
};
