/**
 * A test-only stand-in for the server's live stream (docs/PROTOCOL.md, "Live sync"), until the
 * real `/v1/live` is merged: a `ws` server on its own port, beside a running test server,
 * speaking the agreed contract. A stream authenticates by its first message against the server's
 * own token store (unknown or expired: 4401); every batch the server's store applies pokes the
 * account's streams with its new sequence. Node only: the Chromium project reaches it through
 * vitest commands (browser-commands.ts), the page through its own WebSocket.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { LiveClientMessage, validate } from '../../src/protocol';
import { sha256Hex } from '../../src/server/auth/secrets';
import type { TestServer } from '../../src/server/testing';

export interface LiveStub {
  /** ws://127.0.0.1:<port>/v1/live */
  url: string;
  /** Cuts every open stream as a lost connection would (the client sees 1006). */
  dropAll(): void;
  close(): Promise<void>;
}

type BatchListener = (accountId: string, seq: number) => void;

/** One wrap of `applyBatch` per server, however many stubs listen. */
const listeners = new WeakMap<TestServer['store'], Set<BatchListener>>();

function onBatch(server: TestServer, listener: BatchListener): () => void {
  const store = server.store;
  let set = listeners.get(store);
  if (!set) {
    const subscribers = new Set<BatchListener>();
    set = subscribers;
    listeners.set(store, set);
    const apply = store.applyBatch.bind(store);
    store.applyBatch = async (input) => {
      const outcome = await apply(input);
      if (outcome.kind === 'applied') {
        const seqs = outcome.results.flatMap((r) => (r.status === 'ok' ? [r.seq] : []));
        // After the commit, as the server's own pokes; the answer is on its way meanwhile.
        if (seqs.length > 0) {
          const seq = Math.max(...seqs);
          setTimeout(() => {
            for (const notify of subscribers) notify(input.accountId, seq);
          }, 0);
        }
      }
      return outcome;
    };
  }
  set.add(listener);
  return () => set.delete(listener);
}

export async function startLiveStub(server: TestServer): Promise<LiveStub> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const streams = new Map<WebSocket, string>();
  const seqs = new Map<string, number>();

  const send = (socket: WebSocket, message: unknown) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const stopListening = onBatch(server, (accountId, seq) => {
    if (seq <= (seqs.get(accountId) ?? 0)) return;
    seqs.set(accountId, seq);
    for (const [socket, account] of streams)
      if (account === accountId) send(socket, { type: 'seq', seq });
  });

  wss.on('connection', (socket) => {
    const timer = setTimeout(() => socket.close(4401, 'no auth'), 10_000);
    socket.once('message', async (data) => {
      clearTimeout(timer);
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        // Refused below like any other first message that is not `auth`.
      }
      const message = validate(LiveClientMessage, parsed);
      if (!message.ok || message.value.type !== 'auth') {
        socket.close(4401, 'auth first');
        return;
      }
      const grant = await server.store.findAccessToken(
        sha256Hex(message.value.access_token),
        Date.now(),
      );
      if (!grant) {
        socket.close(4401, 'token');
        return;
      }
      streams.set(socket, grant.accountId);
      send(socket, { type: 'ready', seq: seqs.get(grant.accountId) ?? 0, heartbeat_s: 20 });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      streams.delete(socket);
    });
  });

  return {
    url: `ws://127.0.0.1:${port}/v1/live`,
    dropAll() {
      for (const socket of streams.keys()) socket.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        stopListening();
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => resolve());
      }),
  };
}
