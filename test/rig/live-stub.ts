/**
 * A test-only stand-in for the server's live stream (docs/PROTOCOL.md, "Live sync"), until the
 * real `/v1/live` is merged: a `ws` server on its own port speaking the agreed contract. It
 * authenticates a stream by the first message, checking the access token against the real
 * server (a 401 there closes the stream with 4401), and pokes every open stream with the
 * account's new sequence after each batch write it sees pass through `through` (the devices'
 * fetch). One stub per account: it does not tell accounts apart.
 *
 * Node only (a page cannot open a server). Tests reach it through `liveFor`, the one function
 * to swap for the real server's stream.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { FetchLike, LiveSocketFactory } from '../../src/engine';
import { LiveClientMessage, validate } from '../../src/protocol';

export interface LiveWiring {
  /** The engine's `liveSocket` option. */
  liveSocket: LiveSocketFactory;
  /** The devices' network (newDevice's `through`): where writes are seen. */
  through: FetchLike;
}

export interface LiveStub extends LiveWiring {
  /** Streams that sent a valid `auth` and got `ready`. */
  readonly ready: number;
  /** Closes every open stream as a dropped connection would (1006 is not sendable: 1012). */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startLiveStub(serverUrl: string): Promise<LiveStub> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const streams = new Set<WebSocket>();
  let seq = 0;
  let ready = 0;

  const send = (socket: WebSocket, message: unknown) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const poke = (next: number) => {
    if (next <= seq) return;
    seq = next;
    for (const socket of streams) send(socket, { type: 'seq', seq });
  };

  wss.on('connection', (socket) => {
    const timer = setTimeout(() => socket.close(4401, 'no auth'), 10_000);
    socket.once('message', async (data) => {
      clearTimeout(timer);
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        parsed = null;
      }
      const message = validate(LiveClientMessage, parsed);
      if (!message.ok || message.value.type !== 'auth') {
        socket.close(4401, 'auth first');
        return;
      }
      const check = await fetch(`${serverUrl}/v1/devices`, {
        headers: { authorization: `Bearer ${message.value.access_token}` },
      });
      if (check.status === 401) {
        socket.close(4401, 'token');
        return;
      }
      if (!check.ok) {
        socket.close(1011, `check ${check.status}`);
        return;
      }
      streams.add(socket);
      ready += 1;
      send(socket, { type: 'ready', seq, heartbeat_s: 20 });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      streams.delete(socket);
    });
  });

  const through: FetchLike = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (init?.method === 'POST' && String(input).endsWith('/v1/batch') && response.ok) {
      const body = (await response.clone().json()) as {
        results: Array<{ status: string; seq?: number }>;
      };
      const seqs = body.results.flatMap((result) => (result.status === 'ok' ? [result.seq] : []));
      // After the answer is on its way, as the server pokes after its commit.
      if (seqs.length > 0) setTimeout(() => poke(Math.max(...(seqs as number[]))), 0);
    }
    return response;
  };

  return {
    liveSocket: () => new WebSocket(`ws://127.0.0.1:${port}/v1/live`),
    through,
    get ready() {
      return ready;
    },
    dropAll() {
      for (const socket of streams) socket.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => resolve());
      }),
  };
}
