/**
 * Runs the app on Node's HTTP server: `bootServer` is the one start sequence (open the store,
 * build the app, listen, start housekeeping) that main.ts and the test harness both run, then
 * a shutdown that stops accepting, lets in-flight requests finish, and cuts what is left.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';
import { createApp } from './app';
import type { PasswordHasher } from './auth/passwords';
import type { Config } from './config';
import type { AppEnv } from './context';
import { type Housekeeping, startHousekeeping } from './housekeeping';
import { attachLive, type LiveServer } from './live/attach';
import type { LiveTiming } from './live/socket';
import type { Logger } from './log';
import { type OpenStoreOptions, openStore } from './store';
import type { Store } from './store/types';
import { adminPage, webApp } from './web';

export interface RunningServer {
  /** http://host:port as bound (the real port when 0 was asked for). */
  url: string;
  port: number;
  /** The node http server, for the live stream's upgrade handler. */
  server: Server;
  /** Stops accepting, waits up to graceMs for in-flight requests, then closes every socket. */
  close(graceMs?: number): Promise<void>;
}

export class ListenError extends Error {
  readonly code = 'listen_failed';
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const why =
      cause.code === 'EADDRINUSE'
        ? 'the address is already in use (is another server running?)'
        : cause.code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges)'
          : cause.code === 'EADDRNOTAVAIL'
            ? 'this machine has no such address'
            : (cause.code ?? cause.message);
    super(`cannot listen on ${host}:${port}: ${why}`, { cause });
    this.name = 'ListenError';
  }
}

function nodePeerAddress(c: Context<AppEnv>): string | undefined {
  return getConnInfo(c).remote.address;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function listen(app: Hono<AppEnv>, host: string, port: number): Promise<RunningServer> {
  // Plain HTTP (no TLS or HTTP/2 options), so the adapter's server is a node:http Server.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(new ListenError(host, port, error));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const bound = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${urlHost(host)}:${bound}`,
        port: bound,
        server,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            // Keep-alive sockets would hold close() open forever (see TOOLCHAIN.md).
            const timer = setTimeout(() => server.closeAllConnections(), graceMs);
            timer.unref();
            // A connection whose request finishes during the grace period turns idle and would
            // otherwise linger until its keep-alive timeout: close those as they appear.
            const sweep = setInterval(() => server.closeIdleConnections(), 100);
            sweep.unref();
            server.close(() => {
              clearTimeout(timer);
              clearInterval(sweep);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}

export interface BootDeps {
  logger: Logger;
  clock?: () => number;
  /** Which database to open; by default the one the config names (DATABASE_URL or DATA_DIR). */
  store?: OpenStoreOptions;
  /** Serve the web app in config.webDir at / when it holds a build (default true). */
  web?: boolean;
  /** Serve the admin page in config.adminDir at /admin/ when it holds a build (default true). */
  admin?: boolean;
  /** Run housekeeping on its timer (default true); tests run it by hand instead. */
  housekeepingTimer?: boolean;
  /** Live-stream auth timeout and heartbeat; tests shorten them. */
  liveTiming?: Partial<LiveTiming>;
  /** Password hashing cost; the production one unless a test server chooses cheaper. */
  passwords?: PasswordHasher;
}

export interface BootedServer {
  url: string;
  store: Store;
  housekeeping: Housekeeping;
  servesWebApp: boolean;
  servesAdminPage: boolean;
  live: LiveServer;
  /** Stops housekeeping, waits up to graceMs for in-flight requests, then closes the store. */
  close(graceMs?: number): Promise<void>;
}

export async function bootServer(config: Config, deps: BootDeps): Promise<BootedServer> {
  const { logger } = deps;
  const clock = deps.clock ?? Date.now;
  const target: OpenStoreOptions =
    deps.store ??
    (config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  const store = await openStore(target);
  const web = deps.web === false ? undefined : webApp(config.webDir);
  const admin = deps.admin === false ? undefined : adminPage(config.adminDir);
  const app = createApp({
    store,
    config,
    clock,
    logger,
    peerAddress: nodePeerAddress,
    web,
    admin,
    passwords: deps.passwords,
  });
  let server: RunningServer;
  try {
    server = await listen(app, config.listenHost, config.listenPort);
  } catch (error) {
    await store.close();
    throw error;
  }
  let live: LiveServer;
  try {
    live = await attachLive(server.server, { store, config, clock, timing: deps.liveTiming });
  } catch (error) {
    await server.close(0);
    await store.close();
    throw error;
  }
  const housekeeping = startHousekeeping(
    { store, config, clock, logger },
    { timer: deps.housekeepingTimer },
  );
  logger.info('listening', {
    url: server.url,
    database: target.databaseUrl !== undefined ? 'postgres' : 'pglite',
    registration: config.registration,
    web_app: web !== undefined,
    admin_page: admin !== undefined,
  });
  return {
    url: server.url,
    store,
    housekeeping,
    servesWebApp: web !== undefined,
    servesAdminPage: admin !== undefined,
    live,
    close: async (graceMs) => {
      housekeeping.stop();
      await live.close();
      await server.close(graceMs);
      await store.close();
    },
  };
}
