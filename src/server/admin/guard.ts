/**
 * What every /admin/api request goes through: hardening headers on every answer, a same-origin
 * rule for every write (the admin page is served by this server, so anything else is forgery),
 * and the owner's session with its CSRF token. No CORS middleware is mounted here on purpose:
 * no other origin may read these answers.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { safeEqual } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import { publicBase } from '../public-url';
import { readAdminSession } from './session';

export const adminHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('X-Frame-Options', 'DENY');
  c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  c.header('Referrer-Policy', 'no-referrer');
  // Belt and braces: nothing upstream adds CORS to /admin, and nothing may.
  for (const name of [...c.res.headers.keys()]) {
    if (name.startsWith('access-control-')) c.res.headers.delete(name);
  }
};

const SAFE = new Set(['GET', 'HEAD']);

/**
 * Stricter than the /activate forms' rule: the page's fetch always carries
 * `Sec-Fetch-Site: same-origin` in browsers that send it, so `none` (typed URL) and cross-site
 * writes are refused. `Origin: null` passes only beside `same-origin`: a browser sends it for
 * its own page's write when that page's referrer policy is `no-referrer` (the Fetch standard's
 * rule, which Firefox follows), and a page elsewhere cannot make it claim `same-origin`. The
 * public URL counts by its origin: a server published under a path still gets `Origin:` without it.
 */
export function checkAdminOrigin(c: Context<AppEnv>, deps: Pick<Deps, 'config'>): void {
  if (SAFE.has(c.req.method)) return;
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const own = [new URL(publicBase(c, deps.config)).origin, new URL(c.req.url).origin];
  const ownOrigin =
    origin === undefined || own.includes(origin) || (origin === 'null' && site === 'same-origin');
  if ((site !== undefined && site !== 'same-origin') || !ownOrigin) {
    throw new HttpProblem('forbidden', 'Admin requests can only come from the admin page itself.');
  }
}

/** The owner's session (401 without one) and, on writes, its CSRF token (403 without it). */
export function requireAdmin(
  deps: Pick<Deps, 'store' | 'clock' | 'config'>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    checkAdminOrigin(c, deps);
    const session = await readAdminSession(c, deps);
    if (!session) {
      throw new HttpProblem(
        'invalid_token',
        'Sign in to the admin page (your session is missing or has ended).',
      );
    }
    if (!SAFE.has(c.req.method)) {
      const sent = c.req.header('x-csrf-token');
      if (!sent || !safeEqual(sent, session.csrfToken)) {
        throw new HttpProblem(
          'forbidden',
          'The x-csrf-token header is missing or wrong; reload the admin page.',
        );
      }
    }
    c.set('admin', session);
    await next();
  };
}
