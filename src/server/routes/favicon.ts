/** GET /favicon.ico and /favicon.svg: the satchel mark, so browsers stop logging a 404 per page. */
import type { Hono } from 'hono';
import { satchelSvg } from '../../protocol/brand-icon';
import type { AppEnv } from '../context';

const ICON = satchelSvg({ maskable: false });

export function registerFavicon(app: Hono<AppEnv>): void {
  for (const path of ['/favicon.ico', '/favicon.svg']) {
    app.get(path, (c) => {
      c.header('Content-Type', 'image/svg+xml');
      c.header('Cache-Control', 'public, max-age=86400');
      return c.body(ICON);
    });
  }
}
