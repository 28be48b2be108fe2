/**
 * Bearer authentication of /v1 requests (RFC 6750). Sets `auth` (account and device) and keeps
 * the device's "last seen" fresh. The change feed's route asks the store for the token and the
 * page together (`Bearer.hashOf`, then `reject` when that finds no grant) rather than going
 * through the middleware: one round trip instead of two.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { sha256Hex } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import type { AccessGrant } from '../store';

const REALM = 'Bearer realm="satchel"';

/** Writing "last seen" on every request would double the writes; once a minute is plenty. */
const TOUCH_EVERY_MS = 60_000;

function challenge(error: string, description: string): Record<string, string> {
  return { 'WWW-Authenticate': `${REALM}, error="${error}", error_description="${description}"` };
}

export interface Bearer {
  /** The middleware: 401 without a valid token, else `auth` set. */
  authenticate: MiddlewareHandler<AppEnv>;
  /** The hash of the request's bearer token; 401 when there is none or it is malformed. */
  hashOf(c: Context<AppEnv>): string;
  /** Says why a token the store found no grant for is refused (always throws). */
  reject(hash: string, now: number): Promise<never>;
  /** A grant the store found: refused when its account is disabled, else `auth` set. */
  admit(c: Context<AppEnv>, grant: AccessGrant, now: number): Promise<void>;
}

export function createBearer(deps: Pick<Deps, 'store' | 'clock'>): Bearer {
  // Per process and only a write throttle: several processes each touch at most once a minute.
  const lastTouched = new Map<string, number>();

  const hashOf = (c: Context<AppEnv>) => {
    const header = c.req.header('authorization');
    if (!header) {
      throw new HttpProblem(
        'missing_token',
        'Send an access token: Authorization: Bearer <token>.',
        {},
        { 'WWW-Authenticate': REALM },
      );
    }
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
    if (!match?.[1]) {
      const detail = 'The Authorization header is not of the form "Bearer <token>".';
      throw new HttpProblem('invalid_token', detail, {}, challenge('invalid_token', detail));
    }
    return sha256Hex(match[1]);
  };

  const reject = async (hash: string, now: number): Promise<never> => {
    if ((await deps.store.closedTokenReason(hash, now)) === 'account_deleted') {
      throw new HttpProblem(
        'account_deleted',
        "The server's owner deleted this account and all of its data.",
      );
    }
    // The store answers null for expired tokens too; asked as of the epoch it still finds an
    // expired token of a live device, which tells "expired, refresh" apart from "sign in again".
    const stale = await deps.store.findAccessToken(hash, 0);
    if (stale && stale.expiresAt <= now) {
      const detail = 'The access token has expired; refresh it.';
      throw new HttpProblem('token_expired', detail, {}, challenge('invalid_token', detail));
    }
    const detail = 'The access token is not valid (unknown, revoked or signed out).';
    throw new HttpProblem('invalid_token', detail, {}, challenge('invalid_token', detail));
  };

  const admit = async (c: Context<AppEnv>, grant: AccessGrant, now: number) => {
    if (grant.accountDisabledAt != null) {
      throw new HttpProblem(
        'account_disabled',
        "The server's owner disabled this account; ask them to enable it again.",
      );
    }
    c.set('auth', grant);
    const touched = lastTouched.get(grant.deviceId);
    if (touched === undefined || now - touched >= TOUCH_EVERY_MS || now < touched) {
      if (lastTouched.size > 10_000) lastTouched.clear();
      lastTouched.set(grant.deviceId, now);
      await deps.store.touchDevice(grant.deviceId, now);
    }
  };

  const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
    const hash = hashOf(c);
    const now = deps.clock();
    const grant = await deps.store.findAccessToken(hash, now);
    if (!grant) return reject(hash, now);
    await admit(c, grant, now);
    await next();
  };

  return { authenticate, hashOf, reject, admit };
}

/** The bearer middleware as routes receive it; one instance is shared by all routes. */
export type Authenticate = MiddlewareHandler<AppEnv>;
