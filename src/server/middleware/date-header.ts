/**
 * Every answer's Date header comes from the server's own clock, the one its deadlines use
 * (a pairing's `expires_at`): clients read it to tell how far off their own clock is.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';

export function dateHeader(clock: () => number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.header('Date', new Date(clock()).toUTCString());
  };
}
