/**
 * GET /admin/: the owner's admin page (a static build; its data comes from /admin/api/*). It is
 * registered before the web app's catch-all so /admin/ never falls through to the PWA's files.
 * Without a build nothing is registered here and /admin/ ends in the ordinary 404 problem.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';

/**
 * The page holds an owner's session: nobody may frame it (clickjacking an owner into deleting an
 * account), and it runs only its own bundled scripts, so injected markup cannot run code.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const isApi = (path: string) => path.startsWith('/admin/api/');

const adminHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  // The JSON API lives under the same prefix and sets its own headers.
  if (isApi(c.req.path)) return next();
  await next();
  c.header('Content-Security-Policy', CSP);
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  // Hashed assets may be kept; the page itself is fetched fresh so a deploy shows at once.
  const immutable = c.req.path.startsWith('/admin/assets/') && c.res.status === 200;
  c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-store');
};

export function registerAdminPage(
  app: Hono<AppEnv>,
  page: MiddlewareHandler<AppEnv> | undefined,
): void {
  if (!page) return;
  app.get('/admin', (c) => c.redirect('/admin/', 301));
  app.use('/admin/*', adminHeaders);
  app.get('/admin/*', (c, next) => (isApi(c.req.path) ? next() : page(c, next)));
}
