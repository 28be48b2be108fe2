/**
 * `GET /v1/live` on the node http server's upgrade event (Hono's fetch handler cannot hold a
 * socket): origin check against the /v1 CORS allow-list (or the server's own origin, for the app
 * it serves), then a ws stream per connection, and a
 * LISTEN on satchel_live that fans every process's NOTIFYs out to this process's streams.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { LIVE_MESSAGE_MAX_CHARS } from '../../protocol';
import type { Config } from '../config';
import { addressFrom } from '../middleware/client-address';
import { isAllowedOrigin } from '../middleware/cors';
import type { Store } from '../store/types';
import { LiveHub } from './hub';
import { type LiveTiming, serveLiveSocket } from './socket';

/**
 * The protocol's bound on a live frame (auth is ~100 bytes, pong ~15); every valid frame is
 * ASCII, so characters and bytes agree. A larger frame closes the stream with 1009 unread.
 */
const MAX_INCOMING_BYTES = LIVE_MESSAGE_MAX_CHARS;

export interface LiveServer {
  hub: LiveHub;
  /** Cuts every open stream without a close frame, as a lost connection would (tests). */
  dropAll(): void;
  close(): Promise<void>;
}

/**
 * The app this server serves itself opens its stream from the server's own origin, which is no
 * CORS origin (REST calls from it are same-origin). A browser cannot forge Origin, and Host names
 * the server the browser connected to, so an Origin naming that same host is that app.
 */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function attachLive(
  server: Server,
  deps: { store: Store; config: Config; clock: () => number; timing?: Partial<LiveTiming> },
): Promise<LiveServer> {
  const hub = new LiveHub({
    perAccount: deps.config.liveMaxPerAccount,
    perAddress: deps.config.liveMaxPerAddress,
  });
  const timing: LiveTiming = { authTimeoutMs: 10_000, heartbeatMs: 20_000, ...deps.timing };
  const unlisten = await deps.store.listenLive((event) => hub.dispatch(event));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v1/live') return refuse(socket, '404 Not Found');
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      !isAllowedOrigin(origin, deps.config.appOrigins) &&
      !isOwnOrigin(origin, req.headers.host)
    ) {
      return refuse(socket, '403 Forbidden');
    }
    // Behind a proxy every stream would share its address and the per-address limit with it.
    const forwarded = req.headers['x-forwarded-for'];
    const address = addressFrom(
      Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
      req.socket.remoteAddress,
      deps.config.trustProxy,
    );
    wss.handleUpgrade(req, socket, head, (ws) =>
      serveLiveSocket(ws, address, { store: deps.store, clock: deps.clock, hub, timing }),
    );
  };
  server.on('upgrade', onUpgrade);

  return {
    hub,
    dropAll() {
      for (const ws of wss.clients) ws.terminate();
    },
    async close() {
      server.off('upgrade', onUpgrade);
      hub.closeAll(1001, 'server shutting down');
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
      await unlisten();
    },
  };
}
