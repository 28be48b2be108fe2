/**
 * Runs the app on Node's HTTP server: listening, the peer address, and a shutdown that stops
 * accepting, lets in-flight requests finish, then cuts what is left.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './context';

export interface RunningServer {
  /** http://host:port as bound (the real port when 0 was asked for). */
  url: string;
  port: number;
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

export function nodePeerAddress(c: Context<AppEnv>): string | undefined {
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
