/**
 * Bearer authentication of /v1 requests (RFC 6750). Sets `auth` (account and device) and keeps
 * the device's "last seen" fresh.
 */
import type { MiddlewareHandler } from 'hono';
import { sha256Hex } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';

const REALM = 'Bearer realm="satchel"';

/** Writing "last seen" on every request would double the writes; once a minute is plenty. */
const TOUCH_EVERY_MS = 60_000;

function challenge(error: string, description: string): Record<string, string> {
  return { 'WWW-Authenticate': `${REALM}, error="${error}", error_description="${description}"` };
}

export function bearerAuth(deps: Pick<Deps, 'store' | 'clock'>): MiddlewareHandler<AppEnv> {
  // Per process and only a write throttle: several processes each touch at most once a minute.
  const lastTouched = new Map<string, number>();

  return async (c, next) => {
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
    const hash = sha256Hex(match[1]);
    const now = deps.clock();
    const grant = await deps.store.findAccessToken(hash, now);
    if (!grant) {
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
    }
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
    await next();
  };
}

/** The bearer middleware as routes receive it; one instance is shared by all routes. */
export type Authenticate = MiddlewareHandler<AppEnv>;
