/**
 * Runs syncs one at a time, whatever triggered them, and turns each outcome into status,
 * an activity entry and the next schedule (interval, or a backoff retry after a failure).
 */
import type { Limits } from '../../protocol';
import { recordActivity } from '../activity';
import type { Session } from '../auth/session';
import type { EngineContext } from '../context';
import type { SyncTrigger } from '../db/schema';
import type { Scheduler } from '../deps';
import { AuthError, asEngineError, type EngineError, KeyError, NetworkError } from '../errors';
import type { KeyManager } from '../keys/key-manager';
import type { ErrorInfo } from '../status';
import type { ServerApi } from '../transport/api';
import { backoffDelay } from './backoff';
import { type Answers, type Decision, type RunTally, runSync } from './run';
import { SyncTriggers } from './triggers';

export interface SyncReport {
  result: 'ok' | 'paused' | 'skipped' | 'error';
  tally: RunTally | null;
  decision: Decision | null;
  error: ErrorInfo | null;
}

export interface SyncControllerDeps {
  ctx: EngineContext;
  api: ServerApi;
  session: Session;
  keys: KeyManager;
  scheduler: Scheduler;
  random: () => number;
  editDebounceMs: number;
  limits(): Limits;
  /**
   * Status changed: publish it (resolves once published). `state`: only the run's state and
   * last sync moved, so the counts are not re-read (counting scales with the records held).
   */
  changed(what?: 'all' | 'state'): Promise<void>;
  /** The server says the account key changed or vanished. */
  keyLost(error: KeyError): Promise<void>;
  /**
   * Another device rotated the key: pick it up if it was sealed to this device (true), so the
   * run can start over at once instead of failing. Throws when the server's document is refused
   * (an older epoch, or one that does not carry this device's key forward).
   */
  keyPickedUp(): Promise<boolean>;
  /** A pull saw how many pairing requests from other devices wait. */
  pairingsNoticed(count: number): void;
  /** The server accepted one of this device's writes at this sequence (see `SyncDeps`). */
  wrote?(seq: number): void;
  /** A run ended, whatever its outcome. */
  ran?(): void;
}

const AUTOMATIC: ReadonlySet<SyncTrigger> = new Set([
  'edit',
  'interval',
  'online',
  'startup',
  'retry',
  'live',
]);

export class SyncController {
  readonly triggers: SyncTriggers;
  /** Progress of the run in flight, null when none. */
  running: { done: number; total: number } | null = null;
  offlineSince: number | null = null;
  lastError: ErrorInfo | null = null;
  decision: Decision | null = null;
  /** Edits the last completed run could not send: sealed, larger than the server accepts. */
  tooLarge = 0;
  private failures = 0;
  private retryScheduled = false;
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<SyncReport> | null = null;
  private stopped = false;

  constructor(private readonly deps: SyncControllerDeps) {
    this.triggers = new SyncTriggers(
      deps.scheduler,
      deps.ctx.clock,
      (trigger) => void this.request(trigger),
      deps.editDebounceMs,
    );
  }

  /**
   * Asks for a run. A request that arrives while another waits to start shares it; one that
   * arrives during a run gets the next run, so every edit is covered by a run that started
   * after it.
   */
  request(trigger: SyncTrigger, answers?: Answers): Promise<SyncReport> {
    if (this.queued && !answers) return this.queued;
    const run = this.chain.then(() => {
      if (this.queued === run) this.queued = null;
      return this.execute(trigger, answers ?? {});
    });
    if (!answers) this.queued = run;
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** A run is in flight or waiting to start. */
  get busy(): boolean {
    return this.running !== null || this.queued !== null;
  }

  /** A local edit happened: sync after the debounce (when automatic sync is on). */
  edited(): void {
    if (this.deps.ctx.settings.autoSync && !this.stopped) this.triggers.edited();
  }

  online(): void {
    this.failures = 0;
    void this.request('online');
  }

  stop(): void {
    this.stopped = true;
    this.triggers.stop();
  }

  /** Re-plans the next interval run, e.g. after a settings change. */
  reschedule(): void {
    if (this.stopped) return;
    if (!this.deps.ctx.settings.autoSync) this.triggers.cancelNext();
    else this.triggers.scheduleNext('interval', this.deps.ctx.settings.intervalSeconds * 1000);
    void this.deps.changed();
  }

  private skip(reason: string): SyncReport {
    return {
      result: 'skipped',
      tally: null,
      decision: this.decision,
      error: { code: reason, message: reason, at: this.deps.ctx.clock.now() },
    };
  }

  private async execute(
    trigger: SyncTrigger,
    answers: Answers,
    rekeyed = false,
  ): Promise<SyncReport> {
    const { ctx, session, keys } = this.deps;
    if (this.stopped) return this.skip('engine_closed');
    if (AUTOMATIC.has(trigger) && (!ctx.settings.autoSync || this.decision))
      return this.skip('automatic_sync_paused');
    if (!session.current) return this.skip('not_signed_in');
    const cipher = keys.cipher;
    if (!cipher) return this.skip('locked');

    const startedAt = ctx.clock.now();
    const requestsBefore = this.deps.api.requests;
    this.running = { done: 0, total: 0 };
    void this.deps.changed('state');
    let report: SyncReport;
    let quiet = false;
    try {
      const outcome = await runSync(
        {
          ctx,
          api: this.deps.api,
          session,
          cipher,
          limits: this.deps.limits(),
          progress: (done, total) => {
            this.running = { done, total };
            void this.deps.changed('state');
          },
          pairingsNoticed: (count) => this.deps.pairingsNoticed(count),
          wrote: (seq) => this.deps.wrote?.(seq),
        },
        answers,
      );
      this.failures = 0;
      this.offlineSince = null;
      this.lastError = null;
      this.decision = outcome.kind === 'paused' ? outcome.decision : null;
      if (outcome.kind === 'done') this.tooLarge = outcome.tally.tooLarge;
      quiet = outcome.kind === 'done' && outcome.quiet;
      report = {
        result: outcome.kind === 'paused' ? 'paused' : 'ok',
        tally: outcome.tally,
        decision: this.decision,
        error: null,
      };
    } catch (thrown) {
      let error = asEngineError(thrown);
      if (!rekeyed && error instanceof KeyError && error.code === 'key_changed') {
        try {
          if (await this.deps.keyPickedUp()) {
            this.running = null;
            return this.execute(trigger, answers, true);
          }
        } catch (refused) {
          // The server's new document is not one this device can trust: keep the key we hold.
          error = asEngineError(refused);
        }
      }
      report = await this.failed(error);
    } finally {
      this.running = null;
    }
    await this.log(trigger, startedAt, requestsBefore, report);
    await this.deps.changed(quiet ? 'state' : 'all');
    this.deps.ran?.();
    return report;
  }

  private async failed(error: EngineError): Promise<SyncReport> {
    const { ctx } = this.deps;
    const info: ErrorInfo = { code: error.code, message: error.message, at: ctx.clock.now() };
    ctx.log({ level: 'warn', event: 'sync_failed', code: error.code });
    if (
      error instanceof KeyError &&
      (error.code === 'key_changed' || error.code === 'key_missing')
    ) {
      await this.deps.keyLost(error);
    }
    if (error instanceof NetworkError && error.unreachable) {
      this.offlineSince ??= info.at;
    } else if (!(error instanceof AuthError && error.code === 'device_revoked')) {
      this.offlineSince = null;
    }
    this.lastError = info;
    this.retryScheduled = false;
    if (error.retriable && !this.stopped && ctx.settings.autoSync) {
      this.retryScheduled = true;
      this.failures += 1;
      const retryAfter = 'retryAfterMs' in error ? (error.retryAfterMs as number | null) : null;
      this.triggers.scheduleNext(
        'retry',
        backoffDelay(this.failures, this.deps.random(), retryAfter),
      );
    }
    return { result: 'error', tally: null, decision: this.decision, error: info };
  }

  private async log(
    trigger: SyncTrigger,
    startedAt: number,
    requestsBefore: number,
    report: SyncReport,
  ): Promise<void> {
    const { ctx } = this.deps;
    const tally = report.tally;
    await recordActivity(ctx.db, {
      startedAt,
      durationMs: ctx.clock.now() - startedAt,
      trigger,
      result: report.result === 'paused' ? 'paused' : report.result === 'ok' ? 'ok' : 'error',
      pulled: tally?.pulled ?? 0,
      pushed: tally?.pushed ?? 0,
      conflicts: tally?.conflicts ?? 0,
      quarantined: tally?.quarantined ?? 0,
      requests: this.deps.api.requests - requestsBefore,
      errorCode: report.error?.code ?? null,
      message: report.error?.message ?? null,
    });
    const retrying = report.result === 'error' && this.retryScheduled;
    if (!retrying && !this.stopped && ctx.settings.autoSync) {
      this.triggers.scheduleNext('interval', ctx.settings.intervalSeconds * 1000);
    }
  }
}
