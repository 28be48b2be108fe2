/**
 * Serves a built web app (dist/pwa) at / and the owner's admin page (dist/admin) at /admin/ when
 * their builds exist; Node-only, so main.ts wires them.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context';

/** serveStatic over `dir` when it holds a build (an index.html), else undefined. */
function builtFolder(
  dir: string,
  rewrite?: (path: string) => string,
): MiddlewareHandler<AppEnv> | undefined {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) return undefined;
  return serveStatic<AppEnv>({ root, rewriteRequestPath: rewrite });
}

export function webApp(dir: string): MiddlewareHandler<AppEnv> | undefined {
  return builtFolder(dir);
}

/** The admin page's build is made with base /admin/, so /admin/x is the file x of its folder. */
export function adminPage(dir: string): MiddlewareHandler<AppEnv> | undefined {
  return builtFolder(dir, (path) => path.replace(/^\/admin(?=\/|$)/, '') || '/');
}
