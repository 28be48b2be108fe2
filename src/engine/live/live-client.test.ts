import { describe, expect, it } from 'vitest';
import type { Session } from '../auth/session';
import type { LogEvent } from '../context';
import { AuthError } from '../errors';
import { ManualScheduler, settle } from '../testing/manual-scheduler';
import { LiveClient } from './live-client';
import type { LiveSocket, LiveSocketClose, LiveSocketMessage } from './socket';

class FakeSocket implements LiveSocket {
  onopen: ((event: unknown) => unknown) | null = null;
  onmessage: ((event: LiveSocketMessage) => unknown) | null = null;
  onclose: ((event: LiveSocketClose) => unknown) | null = null;
  onerror: ((event: unknown) => unknown) | null = null;
  readonly sent: unknown[] = [];
  closedWith: number | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000): void {
    this.closedWith = code;
  }
  /** The server's side. */
  open(): void {
    this.onopen?.({});
  }
  say(message: unknown): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  hangUp(code: number): void {
    this.onclose?.({ code });
  }
}

/** A live client over fakes: a socket per connection, a session whose refresh mints tok-2, tok-3... */
function harness(options: { random?: () => number } = {}) {
  const scheduler = new ManualScheduler();
  const sockets: FakeSocket[] = [];
  const logs: LogEvent[] = [];
  const state = {
    token: 'tok-1',
    refreshes: 0,
    enabled: true,
    cursor: 0 as number | null,
    busy: false,
    pulls: 0,
    finishPull: [] as Array<(cursor: number) => void>,
    pairing: 0,
    keys: 0,
    revoked: 0,
    changes: 0,
    /** The server refuses the next refresh: the device was revoked. */
    revokeOnRefresh: false,
  };
  const session = {
    current: { serverUrl: 'https://sync.example', deviceId: 'dev-1', accountId: 'acc-1' } as {
      serverUrl: string;
      deviceId: string;
      accountId: string;
    } | null,
    endedBy: null as AuthError | null,
    async withAccess<T>(call: (server: string, token: string) => Promise<T>): Promise<T> {
      try {
        return await call('https://sync.example', state.token);
      } catch (error) {
        if (!(error instanceof AuthError && error.code === 'session_expired')) throw error;
      }
      if (state.revokeOnRefresh) {
        session.endedBy = new AuthError('device_revoked', 'revoked');
        session.current = null;
        throw session.endedBy;
      }
      state.refreshes += 1;
      state.token = `tok-${state.refreshes + 1}`;
      return call('https://sync.example', state.token);
    },
  };
  const client: LiveClient = new LiveClient({
    factory: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    session: session as unknown as Session,
    scheduler,
    random: options.random ?? (() => 0.5),
    log: (event) => logs.push(event),
    enabled: () => state.enabled,
    cursor: async () => state.cursor,
    // A sync run: busy until the test finishes it; the controller reports every run's end.
    pull: () => {
      state.pulls += 1;
      state.busy = true;
      return new Promise<void>((resolve) => {
        state.finishPull.push((cursor) => {
          state.cursor = cursor;
          state.busy = false;
          client.ran();
          resolve();
        });
      });
    },
    syncBusy: () => state.busy,
    pairingChanged: () => {
      state.pairing += 1;
    },
    keysChanged: async () => {
      state.keys += 1;
    },
    revoked: () => {
      state.revoked += 1;
    },
    // As the engine wires it: every status change reconciles the stream.
    changed: () => {
      state.changes += 1;
      client.reconcile();
    },
    now: () => 1_000,
  });
  const last = () => sockets[sockets.length - 1] as FakeSocket;
  /** Connects and gets to `ready` at `seq`. */
  const live = async (seq = 0, heartbeat = 20) => {
    client.reconcile();
    await settle();
    last().open();
    last().say({ type: 'ready', seq, heartbeat_s: heartbeat });
    await settle();
  };
  const finish = async (cursor: number) => {
    const done = state.finishPull.shift();
    if (!done) throw new Error('no pull in flight');
    done(cursor);
    await settle();
  };
  return { scheduler, sockets, logs, state, session, client, last, live, finish };
}

describe('live client', () => {
  it('authenticates with its first message and reports the stream as live once ready', async () => {
    const h = harness();
    h.client.reconcile();
    await settle();
    expect(h.sockets).toHaveLength(1);
    expect(h.last().url).toBe('wss://sync.example/v1/live');
    expect(h.client.mode).toBe('interval');
    h.last().open();
    expect(h.last().sent).toEqual([{ type: 'auth', access_token: 'tok-1' }]);
    h.last().say({ type: 'ready', seq: 0, heartbeat_s: 20 });
    expect(h.client.mode).toBe('live');
    await settle();
    expect(h.state.pulls).toBe(0);
  });

  it('pulls on a seq past its cursor, not on a stale one nor on the one its own push made', async () => {
    const h = harness();
    h.state.cursor = 5;
    await h.live(5);
    h.last().say({ type: 'seq', seq: 4 });
    h.last().say({ type: 'seq', seq: 5 });
    await settle();
    expect(h.state.pulls).toBe(0);

    h.client.wrote(6);
    h.last().say({ type: 'seq', seq: 6 });
    await settle();
    expect(h.state.pulls).toBe(0);

    h.last().say({ type: 'seq', seq: 7 });
    await settle();
    expect(h.state.pulls).toBe(1);
    await h.finish(7);
    expect(h.state.pulls).toBe(1);
    expect(h.logs.filter((e) => e.event === 'live_pull')).toEqual([
      { level: 'info', event: 'live_pull', seq: 7 },
    ]);
  });

  it('pulls what was written while it was away when `ready` names a newer seq', async () => {
    const h = harness();
    h.state.cursor = 3;
    await h.live(9);
    expect(h.state.pulls).toBe(1);
  });

  it('waits for a sync under way, whose push may be the write poked about', async () => {
    const h = harness();
    await h.live(0);
    h.state.busy = true; // e.g. an edit's sync: its batch answer has not arrived yet
    h.last().say({ type: 'seq', seq: 1 });
    await settle();
    expect(h.state.pulls).toBe(0);
    h.client.wrote(1); // the answer arrives: seq 1 was ours
    h.state.busy = false;
    h.client.ran();
    await settle();
    expect(h.state.pulls).toBe(0);
  });

  it('coalesces a burst: one pull in flight, at most one more after it', async () => {
    const h = harness();
    await h.live(0);
    h.last().say({ type: 'seq', seq: 1 });
    await settle();
    expect(h.state.pulls).toBe(1);
    for (const seq of [2, 3, 4, 5, 6]) h.last().say({ type: 'seq', seq });
    await settle();
    expect(h.state.pulls).toBe(1);
    await h.finish(1);
    expect(h.state.pulls).toBe(2);
    await h.finish(6);
    expect(h.state.pulls).toBe(2);
    expect(h.state.finishPull).toHaveLength(0);
  });

  it('reconnects with exponential backoff and jitter, from 1 s up to 5 min', async () => {
    const jitter = [0, 0.5, 0.999, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const h = harness({ random: () => jitter.shift() ?? 0.5 });
    h.client.reconcile();
    await settle();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      h.last().hangUp(1006);
      const pending = h.scheduler.pending();
      expect(pending).toHaveLength(1);
      delays.push(pending[0] as number);
      const before = h.sockets.length;
      await h.scheduler.advance(pending[0] as number);
      await settle();
      expect(h.sockets.length).toBe(before + 1);
    }
    // Half to all of 1 s, 2 s, 4 s ... capped at 5 min.
    expect(delays).toEqual([
      500, 1500, 3998, 6000, 12_000, 24_000, 48_000, 96_000, 192_000, 225_000, 225_000,
    ]);
    expect(h.logs.filter((e) => e.event === 'live_fallback')).toHaveLength(1);
    // Held once: the next drop starts from 1 s again.
    h.last().open();
    h.last().say({ type: 'ready', seq: 0, heartbeat_s: 20 });
    h.last().hangUp(1006);
    expect(h.scheduler.pending()).toEqual([750]);
  });

  it('on 4401 refreshes the token and reconnects at once; a fresh token refused too backs off', async () => {
    const h = harness();
    await h.live(0);
    h.last().hangUp(4401);
    expect(h.client.mode).toBe('interval');
    await settle();
    expect(h.state.refreshes).toBe(1);
    expect(h.sockets).toHaveLength(2);
    h.last().open();
    expect(h.last().sent).toEqual([{ type: 'auth', access_token: 'tok-2' }]);
    h.last().hangUp(4401);
    await settle();
    expect(h.sockets).toHaveLength(2);
    expect(h.scheduler.pending()).toEqual([750]);
    await h.scheduler.advance(750);
    await settle();
    expect(h.state.refreshes).toBe(2);
    h.last().open();
    expect(h.last().sent).toEqual([{ type: 'auth', access_token: 'tok-3' }]);
  });

  it('on 4403 stops for good and lets the REST path find the revocation', async () => {
    const h = harness();
    await h.live(0);
    h.last().hangUp(4403);
    expect(h.state.revoked).toBe(1);
    expect(h.client.mode).toBe('interval');
    expect(h.scheduler.pending()).toEqual([]);
    h.client.reconcile();
    h.client.setOnline(true);
    await h.scheduler.advance(60 * 60_000);
    expect(h.sockets).toHaveLength(1);
  });

  it("asks for a run when its own token refresh meets the server's sign-out, and stops", async () => {
    const h = harness();
    await h.live(0);
    h.state.revokeOnRefresh = true;
    // The revoked token is refused at attach (4401) before any 4403 reaches this device.
    h.last().hangUp(4401);
    await settle();
    expect(h.state.revoked).toBe(1);
    expect(h.logs.some((e) => e.event === 'live_token_failed' && e.code === 'device_revoked')).toBe(
      true,
    );
    expect(h.scheduler.pending()).toEqual([]);
    await h.scheduler.advance(60 * 60_000);
    expect(h.sockets).toHaveLength(1);
  });

  it("asks for a run when another call met the server's sign-out while the stream was held", async () => {
    const h = harness();
    await h.live(0);
    // A REST call's refresh learnt it first: the session is gone before any 4403 is read.
    h.session.endedBy = new AuthError('device_revoked', 'revoked');
    h.session.current = null;
    h.client.reconcile();
    expect(h.state.revoked).toBe(1);
    expect(h.last().closedWith).not.toBeNull();
    // A plain sign-out (no reason from the server) asks for nothing.
    const quiet = harness();
    await quiet.live(0);
    quiet.session.current = null;
    quiet.client.reconcile();
    expect(quiet.state.revoked).toBe(0);
  });

  it('on 4429 falls back to the timer and retries later than after a plain drop', async () => {
    const h = harness();
    h.client.reconcile();
    await settle();
    h.last().open();
    h.last().hangUp(4429);
    expect(h.client.mode).toBe('interval');
    // As after five failures: 16 s with the jitter at its middle.
    expect(h.scheduler.pending()).toEqual([12_000]);
    expect(h.logs.some((e) => e.event === 'live_closed' && e.code === 4429)).toBe(true);
    await h.scheduler.advance(12_000);
    await settle();
    expect(h.sockets).toHaveLength(2);
  });

  it('answers pings, and takes two silent heartbeats as a dead stream', async () => {
    const h = harness();
    await h.live(0, 15);
    const first = h.last();
    await h.scheduler.advance(29_000);
    first.say({ type: 'ping' });
    expect(first.sent).toContainEqual({ type: 'pong' });
    await h.scheduler.advance(29_999);
    expect(first.closedWith).toBeNull();
    expect(h.client.mode).toBe('live');
    await h.scheduler.advance(1);
    expect(first.closedWith).toBe(4000);
    expect(h.client.mode).toBe('interval');
    expect(h.logs.some((e) => e.event === 'live_stream_silent')).toBe(true);
    expect(h.scheduler.pending()).toEqual([750]);
    await h.scheduler.advance(750);
    await settle();
    expect(h.sockets).toHaveLength(2);
    // A late event of the dead socket changes nothing.
    first.say({ type: 'seq', seq: 50 });
    first.hangUp(1006);
    await settle();
    expect(h.state.pulls).toBe(0);
    // The new socket's silence limit: two of the heartbeats the server last named.
    expect(h.scheduler.pending()).toEqual([30_000]);
  });

  it('with live sync off closes the stream and lets nothing reconnect', async () => {
    const h = harness();
    await h.live(0);
    h.state.enabled = false;
    h.client.reconcile();
    expect(h.last().closedWith).toBe(1000);
    expect(h.client.mode).toBe('interval');
    expect(h.scheduler.pending()).toEqual([]);
    h.client.setOnline(true);
    await h.scheduler.advance(60 * 60_000);
    expect(h.sockets).toHaveLength(1);

    // Off while waiting to reconnect cancels the retry too.
    h.state.enabled = true;
    h.client.reconcile();
    await settle();
    h.last().hangUp(1006);
    expect(h.scheduler.pending()).toHaveLength(1);
    h.state.enabled = false;
    h.client.reconcile();
    expect(h.scheduler.pending()).toEqual([]);
    await h.scheduler.advance(60 * 60_000);
    expect(h.sockets).toHaveLength(2);
  });

  it('closes offline and reconnects at once when back online', async () => {
    const h = harness();
    await h.live(0);
    h.client.setOnline(false);
    expect(h.last().closedWith).toBe(1000);
    await h.scheduler.advance(60_000);
    expect(h.sockets).toHaveLength(1);
    h.client.setOnline(true);
    await settle();
    expect(h.sockets).toHaveLength(2);
  });

  it('ignores malformed messages, logging each, and unknown types quietly', async () => {
    const h = harness();
    await h.live(0);
    const bad = [
      'not json',
      '[1]',
      '{"seq":3}',
      JSON.stringify({ type: 'seq', seq: -1 }),
      JSON.stringify({ type: 'seq', seq: '3' }),
      JSON.stringify({ type: 'seq', seq: 3, records: ['x'] }),
      JSON.stringify({ type: 'ready', seq: 1, heartbeat_s: 100_000 }),
      JSON.stringify({ type: 'seq', seq: 3, pad: 'x'.repeat(5000) }),
    ];
    for (const frame of bad) h.last().say(frame);
    h.last().onmessage?.({ data: new Uint8Array([1, 2]) });
    h.last().say({ type: 'from-the-future', seq: 9 });
    await settle();
    expect(h.state.pulls).toBe(0);
    expect(h.logs.filter((e) => e.event === 'live_message_refused')).toHaveLength(bad.length + 1);
    expect(h.logs.filter((e) => e.event === 'live_message_unknown')).toEqual([
      { level: 'debug', event: 'live_message_unknown', type: 'from-the-future' },
    ]);
    expect(h.client.mode).toBe('live');
    h.last().say({ type: 'seq', seq: 3 });
    await settle();
    expect(h.state.pulls).toBe(1);
  });

  it('passes pairing and key-document pokes on', async () => {
    const h = harness();
    await h.live(0);
    h.last().say({ type: 'pairing' });
    h.last().say({ type: 'keys' });
    await settle();
    expect(h.state.pairing).toBe(1);
    expect(h.state.keys).toBe(1);
  });

  it('opens nothing signed out, and stops for good when the engine closes', async () => {
    const h = harness();
    h.client.stop();
    h.client.reconcile();
    await h.scheduler.advance(60_000);
    expect(h.sockets).toHaveLength(0);
  });

  it('reports a stream given up for now as an issue, and clears it once the stream is held', async () => {
    const h = harness();
    h.client.reconcile();
    await settle();
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      h.last().hangUp(1006);
      expect(h.client.issue).toBeNull();
      await h.scheduler.advance(h.scheduler.pending()[0] as number);
      await settle();
    }
    const before = h.state.changes;
    h.last().hangUp(1006);
    await settle();
    expect(h.client.issue).toEqual({
      code: 'live_fallback',
      message: 'The live stream failed 3 times in a row',
      at: 1_000,
    });
    expect(h.client.mode).toBe('interval');
    // The status was told, and the announcement did not cut the planned backoff short.
    expect(h.state.changes).toBe(before + 1);
    expect(h.sockets).toHaveLength(3);
    expect(h.scheduler.pending()).toEqual([3000]);
    await h.scheduler.advance(3000);
    await settle();
    expect(h.sockets).toHaveLength(4);
    h.last().open();
    h.last().say({ type: 'ready', seq: 0, heartbeat_s: 20 });
    expect(h.client.issue).toBeNull();
    expect(h.client.mode).toBe('live');
  });

  it('reports a 4429 as a fallback at once, and forgets the issue when live sync is turned off', async () => {
    const h = harness();
    h.client.reconcile();
    await settle();
    h.last().open();
    h.last().hangUp(4429);
    expect(h.client.issue?.code).toBe('live_fallback');
    expect(h.scheduler.pending()).toEqual([12_000]);
    h.state.enabled = false;
    h.client.reconcile();
    expect(h.client.issue).toBeNull();
    expect(h.scheduler.pending()).toEqual([]);
  });

  it('reports refused messages as an issue, announced once however many arrive, the stream kept', async () => {
    const h = harness();
    await h.live(0);
    const before = h.state.changes;
    for (let i = 0; i < 5; i += 1) h.last().say({ type: 'seq', seq: -1 });
    expect(h.client.issue?.code).toBe('live_message_refused');
    expect(h.client.issue?.message).toMatch(/breaks the contract/);
    expect(h.state.changes).toBe(before + 1);
    expect(h.client.mode).toBe('live');
    // A new stream starts clean.
    h.last().hangUp(1006);
    await h.scheduler.advance(h.scheduler.pending()[0] as number);
    await settle();
    h.last().open();
    h.last().say({ type: 'ready', seq: 0, heartbeat_s: 20 });
    expect(h.client.issue).toBeNull();
  });
});
