/**
 * The live stream (docs/PROTOCOL.md, "Live sync"): held open while the device is online, signed
 * in and live sync is on, so an edit elsewhere reaches this device within a second instead of at
 * the next timed sync. It authenticates with its first message, pulls on pokes (through
 * `LivePulls`), answers pings, and reconnects with backoff and jitter when the stream drops or
 * goes silent. Everything it hears is a hint: the timed sync stays the safety net, so a server
 * that lies on the stream can cause or skip a pull, never more.
 */
import { LIVE_CLOSE, type LiveClientMessage, type LiveServerMessage } from '../../protocol';
import type { Session } from '../auth/session';
import type { Logger } from '../context';
import type { Scheduler, TimerHandle } from '../deps';
import { AuthError, asEngineError, type LiveErrorCode } from '../errors';
import type { ErrorInfo } from '../status';
import { backoffDelay } from '../sync/backoff';
import { LivePulls } from './live-pulls';
import { readLiveMessage } from './read-message';
import { type LiveSocket, type LiveSocketFactory, liveUrl } from './socket';

/** How syncs happen now: on pokes over the stream, or only on the timer. */
export type LiveMode = 'live' | 'interval';

export const LIVE_BACKOFF = { baseMs: 1000, maxMs: 5 * 60_000 };
/** Until `ready` names the server's heartbeat, the contract's default is assumed. */
const DEFAULT_HEARTBEAT_MS = 20_000;
/** Failures in a row after which the stream is reported as given up for now (timed sync only). */
const FALLBACK_AFTER = 3;
/** After 4429, the retry waits as after this many failures: the server asked for fewer streams. */
const TOO_MANY_ATTEMPT = 5;
/** A close code of our own for a stream that fell silent. */
const SILENT_CLOSE = 4000;

export interface LiveClientDeps {
  factory: LiveSocketFactory | null;
  session: Session;
  scheduler: Scheduler;
  random: () => number;
  log: Logger;
  /** The `liveSync` setting. */
  enabled(): boolean;
  cursor(): Promise<number | null>;
  pull(): Promise<unknown>;
  syncBusy(): boolean;
  /** A pairing of the account changed. */
  pairingChanged(): void;
  /** The key document changed. */
  keysChanged(): Promise<void>;
  /**
   * Closed with 4403, or the stream's own token refresh met the server's sign-out: a sync run
   * finds out (and handles and logs) the revocation.
   */
  revoked(): void;
  /** The mode changed: publish the status. */
  changed(): void;
  /** The engine's clock, to stamp a reported issue. */
  now(): number;
}

export class LiveClient {
  private readonly pulls: LivePulls;
  private socket: LiveSocket | null = null;
  private connecting = false;
  /** Bumped whenever a socket is dropped, so late events of an old one are ignored. */
  private generation = 0;
  private online = true;
  private closed = false;
  private ready = false;
  private failures = 0;
  private retryTimer: TimerHandle | null = null;
  private silenceTimer: TimerHandle | null = null;
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  /** The token a 4401 refused: the next connection refreshes past it. */
  private rejectedToken: string | null = null;
  private authRetried = false;
  /** The device a 4403 named: no stream for it until the session changes. */
  private forbidden: string | null = null;
  private problem: ErrorInfo | null = null;

  constructor(private readonly deps: LiveClientDeps) {
    this.pulls = new LivePulls({
      cursor: deps.cursor,
      pull: deps.pull,
      syncBusy: deps.syncBusy,
      log: deps.log,
    });
  }

  get mode(): LiveMode {
    return this.ready ? 'live' : 'interval';
  }

  /**
   * What keeps live sync from working as it should (a refused message, a stream given up for
   * now), for the status to show; cleared by the next `ready`, or when the stream is not wanted.
   */
  get issue(): ErrorInfo | null {
    return this.problem;
  }

  /** A sequence this device's own push produced: its poke is not pulled back. */
  wrote(seq: number): void {
    this.pulls.wrote(seq);
  }

  /** A sync run ended (whatever triggered it). */
  ran(): void {
    this.pulls.ran();
  }

  setOnline(online: boolean): void {
    this.online = online;
    if (online && this.retryTimer !== null) {
      // Back online: try now rather than at the end of a backoff grown while offline.
      this.deps.scheduler.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.failures = 0;
    }
    this.reconcile();
  }

  stop(): void {
    this.closed = true;
    this.drop();
  }

  /** Opens or closes the stream to match the conditions; called whenever they may have moved. */
  reconcile(): void {
    if (!this.wanted()) {
      const held = this.socket !== null || this.connecting || this.retryTimer !== null;
      if (held) this.drop();
      this.failures = 0;
      if (this.problem) this.report(null);
      // Another call met the server's sign-out while the stream was held, so its 4403 will not
      // be read: a run still says what the stream would have led to.
      if (held && !this.closed && this.deps.session.endedBy) this.deps.revoked();
      return;
    }
    if (this.socket || this.connecting || this.retryTimer !== null) return;
    void this.connect();
  }

  private wanted(): boolean {
    const session = this.deps.session.current;
    return (
      !this.closed &&
      this.online &&
      this.deps.factory !== null &&
      session !== null &&
      session.deviceId !== this.forbidden &&
      this.deps.enabled()
    );
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.connecting = true;
    let target: { server: string; token: string };
    try {
      target = await this.deps.session.withAccess(async (server, token) => {
        if (token === this.rejectedToken)
          throw new AuthError('session_expired', 'The live stream refused the access token');
        return { server, token };
      });
    } catch (error) {
      if (generation !== this.generation) return;
      this.connecting = false;
      const failure = asEngineError(error);
      this.deps.log({ level: 'warn', event: 'live_token_failed', code: failure.code });
      // The stream's token refresh is what met the server's sign-out: a run says so.
      if (this.deps.session.endedBy === failure) return this.deps.revoked();
      this.failed();
      return;
    }
    if (generation !== this.generation) return;
    this.connecting = false;
    if (!this.wanted()) return;
    let socket: LiveSocket;
    try {
      socket = (this.deps.factory as LiveSocketFactory)(liveUrl(target.server));
    } catch (error) {
      this.deps.log({
        level: 'warn',
        event: 'live_open_failed',
        message: error instanceof Error ? error.message : String(error),
      });
      this.failed();
      return;
    }
    this.socket = socket;
    const current = () => generation === this.generation;
    socket.onopen = () => {
      if (current()) this.send({ type: 'auth', access_token: target.token });
    };
    socket.onmessage = (event) => {
      if (current()) this.received(event.data);
    };
    socket.onerror = () => {
      // A close event follows with the code that matters.
      if (current()) this.deps.log({ level: 'debug', event: 'live_socket_error' });
    };
    socket.onclose = (event) => {
      if (current()) this.lost(event.code, target.token);
    };
    // Also covers a connection that never opens.
    this.armSilence();
  }

  private send(message: LiveClientMessage): void {
    try {
      this.socket?.send(JSON.stringify(message));
    } catch (error) {
      this.deps.log({
        level: 'warn',
        event: 'live_send_failed',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private received(data: unknown): void {
    this.armSilence();
    const read = readLiveMessage(data);
    if (read.kind === 'unknown') {
      this.deps.log({ level: 'debug', event: 'live_message_unknown', type: read.type });
      return;
    }
    if (read.kind === 'malformed') {
      this.deps.log({ level: 'warn', event: 'live_message_refused', reason: read.reason });
      this.report({
        code: 'live_message_refused',
        message: `The live stream sent a message that breaks the contract (${read.reason})`,
      });
      return;
    }
    this.handle(read.message);
  }

  private handle(message: LiveServerMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.failures = 0;
        this.authRetried = false;
        this.rejectedToken = null;
        this.problem = null; // Announced just below.
        this.heartbeatMs = message.heartbeat_s * 1000;
        this.armSilence();
        this.deps.log({ level: 'info', event: 'live_ready', seq: message.seq });
        this.deps.changed();
        // Whatever was written while this device was not listening.
        this.pulls.poke(message.seq);
        return;
      case 'seq':
        this.pulls.poke(message.seq);
        return;
      case 'ping':
        this.send({ type: 'pong' });
        return;
      case 'pairing':
        this.deps.pairingChanged();
        return;
      case 'keys':
        this.deps.keysChanged().catch((error) =>
          this.deps.log({
            level: 'warn',
            event: 'live_keys_failed',
            code: asEngineError(error).code,
          }),
        );
        return;
    }
  }

  /** Two heartbeats without a frame: the stream is dead even if no close says so. */
  private armSilence(): void {
    if (this.silenceTimer !== null) this.deps.scheduler.clearTimeout(this.silenceTimer);
    this.silenceTimer = this.deps.scheduler.setTimeout(() => {
      this.silenceTimer = null;
      this.deps.log({ level: 'warn', event: 'live_stream_silent', ready: this.ready });
      const wasReady = this.close(SILENT_CLOSE);
      if (wasReady) this.failures = 0;
      this.failed();
      if (wasReady) this.deps.changed();
    }, 2 * this.heartbeatMs);
  }

  private lost(code: number, token: string): void {
    const wasReady = this.detach();
    this.deps.log({ level: 'info', event: 'live_closed', code });
    this.recover(code, token, wasReady);
    // Announced last: the status listener reconciles, and must find the retry already planned.
    if (wasReady) this.deps.changed();
  }

  private recover(code: number, token: string, wasReady: boolean): void {
    if (!this.wanted()) return;
    if (code === LIVE_CLOSE.unauthorized) {
      this.rejectedToken = token;
      // Once at once with a fresh token; a fresh token refused too is a failure like any other.
      if (!this.authRetried) {
        this.authRetried = true;
        void this.connect();
        return;
      }
    } else if (code === LIVE_CLOSE.revoked) {
      this.forbidden = this.deps.session.current?.deviceId ?? null;
      this.deps.revoked();
      return;
    } else if (code === LIVE_CLOSE.tooMany) {
      this.failures = Math.max(this.failures, TOO_MANY_ATTEMPT - 1);
    } else if (wasReady) {
      this.failures = 0;
    }
    this.failed();
  }

  private failed(): void {
    if (!this.wanted()) return;
    this.failures += 1;
    const delay = backoffDelay(this.failures, this.deps.random(), null, LIVE_BACKOFF);
    this.retryTimer = this.deps.scheduler.setTimeout(() => {
      this.retryTimer = null;
      this.reconcile();
    }, delay);
    // Announced once the retry is planned (the status listener reconciles). `>=`: a 4429 jumps
    // the count past the threshold.
    if (this.failures >= FALLBACK_AFTER && this.problem?.code !== 'live_fallback') {
      this.deps.log({ level: 'warn', event: 'live_fallback', failures: this.failures });
      this.report({
        code: 'live_fallback',
        message: `The live stream failed ${this.failures} times in a row`,
      });
    }
  }

  /** Sets (or clears) the issue and publishes the status, once per change of code. */
  private report(issue: { code: LiveErrorCode; message: string } | null): void {
    const before = this.problem?.code ?? null;
    this.problem = issue && { ...issue, at: this.deps.now() };
    if ((issue?.code ?? null) !== before) this.deps.changed();
  }

  /**
   * Forgets the socket (its late events are ignored); true when it was live. The caller
   * announces the change once its own state is settled.
   */
  private detach(): boolean {
    const wasReady = this.ready;
    this.generation += 1;
    this.connecting = false;
    this.socket = null;
    this.ready = false;
    this.pulls.clear();
    if (this.silenceTimer !== null) this.deps.scheduler.clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
    return wasReady;
  }

  /** Closes the socket (if any) and forgets it; true when it was live. */
  private close(code: number): boolean {
    const socket = this.socket;
    const wasReady = this.detach();
    if (socket) {
      try {
        socket.close(code);
      } catch {
        // Already closing: nothing more to release.
      }
    }
    return wasReady;
  }

  /** Closes the stream (if open) and cancels any reconnection. */
  private drop(): void {
    if (this.retryTimer !== null) this.deps.scheduler.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.close(1000)) this.deps.changed();
  }
}
