/** GET /: the built web app when there is one, else the /activate page. */
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';

export function registerRoot(app: Hono<AppEnv>, web: MiddlewareHandler<AppEnv> | undefined): void {
  if (web) {
    app.get('/*', web);
    return;
  }
  app.get('/', (c) => c.redirect('/activate', 302));
}
