/** Serves a built web app (dist/pwa) at / when one exists; Node-only, so main.ts wires it. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context';

export function webApp(dir: string): MiddlewareHandler<AppEnv> | undefined {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) return undefined;
  return serveStatic<AppEnv>({ root });
}
