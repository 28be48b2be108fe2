/**
 * A pass-through HTTP proxy in front of the sync server that can hold back the answers to
 * chosen requests, so a test can stop the service worker while a sync is really in flight (the
 * server has done the work; the answer has not arrived).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowProxy {
  url: string;
  /**
   * Answers to matching requests are held until `release()` (the request itself goes through);
   * null stops holding new answers while those already held stay held.
   */
  hold(match: ((method: string, path: string) => boolean) | null): void;
  release(): void;
  /** Requests the server answered while held. */
  readonly held: number;
  close(): Promise<void>;
}

export async function startSlowProxy(target: string): Promise<SlowProxy> {
  const upstream = new URL(target);
  let match: ((method: string, path: string) => boolean) | null = null;
  let waiting: (() => void)[] = [];
  let held = 0;
  const server: Server = createServer((req, res) => {
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const send = () => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        };
        if (match?.(req.method ?? 'GET', req.url ?? '/')) {
          held += 1;
          waiting.push(send);
        } else send();
      },
    );
    forward.on('error', (error) => res.destroy(error));
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold(next) {
      match = next;
    },
    release() {
      match = null;
      const pending = waiting;
      waiting = [];
      for (const send of pending) send();
    },
    get held() {
      return held;
    },
    async close() {
      match = null;
      for (const send of waiting) send();
      waiting = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
