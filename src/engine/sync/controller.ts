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
import { withheldNote } from '../omission/withheld-note';
import { countReplacedSince } from '../records/replaced';
import type { ErrorInfo } from '../status';
import type { ServerApi } from '../transport/api';
import { backoffDelay } from './backoff';
import type { RecordCipher } from './cipher';
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
  /** An authentic key document left this device out: drop the key (the pins stay). */
  keyLost(error: KeyError): Promise<void>;
  /**
   * The server signalled a key change: weigh its document. `picked_up`: another device rotated
   * and sealed the new epoch to this one, so the run starts over at once; `unchanged`: the
   * document is still this device's key, so the signal was not backed by it; `left_out`: an
   * authentic later document without this device. Throws when the document is refused (does
   * not verify, goes backwards, does not carry this device's key forward).
   */
  keyPickedUp(): Promise<'unchanged' | 'picked_up' | 'left_out'>;
  /** A pull saw how many pairing requests from other devices wait. */
  pairingsNoticed(count: number): void;
  /** The server accepted one of this device's writes at this sequence (see `SyncDeps`). */
  wrote?(seq: number): void;
  /** A run ended, whatever its outcome. */
  ran?(): void;
  /**
   * A run succeeded: finish what waits for a drained outbox (a rotation's retirement of the
   * earlier epochs). Its failure is logged and tried again after the next run.
   */
  afterRun?(cipher: RecordCipher, limits: Limits): Promise<void>;
}

/** The server's ways of signing a device out: neither is "offline", both stop syncing. */
const SIGNED_OUT: ReadonlySet<string> = new Set([
  'device_revoked',
  'session_lapsed',
  'account_deleted',
]);

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
  running: { done: number; total: number; estimated?: boolean } | null = null;
  offlineSince: number | null = null;
  /**
   * The host said the browser has no network: automatic runs are not tried until it says it is
   * back (each would only fail and log "check the server address" for a network that is gone).
   */
  hostOffline = false;
  lastError: ErrorInfo | null = null;
  decision: Decision | null = null;
  /** Edits the last completed run could not send: sealed, larger than the server accepts. */
  tooLarge = 0;
  private failures = 0;
  private retryScheduled = false;
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<SyncReport> | null = null;
  private stopped = false;
  /** The server's sign-out a logged run already reported: logged once, whoever meets it again. */
  private endLogged: EngineError | null = null;

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

  /** Resolves once the runs requested so far have ended (the device locks after them). */
  settled(): Promise<void> {
    return this.chain.then(() => undefined);
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
    this.hostOffline = false;
    void this.request('online');
  }

  wentOffline(at: number): void {
    this.hostOffline = true;
    this.offlineSince ??= at;
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

  private async finishAfter(cipher: RecordCipher): Promise<void> {
    try {
      await this.deps.afterRun?.(cipher, this.deps.limits());
    } catch (error) {
      this.deps.ctx.log({
        level: 'warn',
        event: 'after_run_failed',
        code: asEngineError(error).code,
      });
    }
  }

  /**
   * A poke asked for a run, but another call met the server's sign-out first: the run that would
   * have learnt it is still logged, with the server's reason, so the activity log says what the
   * poke led to whichever call got there first.
   */
  private async signedOut(trigger: SyncTrigger): Promise<SyncReport> {
    const reason = this.deps.session.endedBy;
    if (trigger !== 'live' || !reason || reason === this.endLogged) {
      return this.skip('not_signed_in');
    }
    this.endLogged = reason;
    const report = await this.failed(reason);
    await this.log(trigger, this.deps.ctx.clock.now(), this.deps.api.requests, report);
    return report;
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
    // Pending edits stay queued; coming back online starts the run that sends them.
    if (AUTOMATIC.has(trigger) && this.hostOffline) return this.skip('offline');
    if (!session.current) return this.signedOut(trigger);
    const cipher = keys.cipher;
    if (!cipher) return this.skip('locked');

    const startedAt = ctx.clock.now();
    const requestsBefore = this.deps.api.requests;
    this.running = { done: 0, total: 0 };
    void this.deps.changed('state');
    let report: SyncReport;
    let quiet = false;
    let weighed = false;
    try {
      const outcome = await runSync(
        {
          ctx,
          api: this.deps.api,
          session,
          cipher,
          limits: this.deps.limits(),
          progress: (done, total, estimated) => {
            this.running = estimated ? { done, total, estimated } : { done, total };
            void this.deps.changed('state');
          },
          pairingsNoticed: (count) => this.deps.pairingsNoticed(count),
          wrote: (seq) => this.deps.wrote?.(seq),
        },
        answers,
      );
      if (cipher.takeUnknownEpoch()) {
        // Records labelled with a later epoch were set aside: see whether the key document
        // backs them (another device rotated) before calling the run a success.
        const verdict = await this.weigh(
          new KeyError('key_changed', 'The feed holds records of a later key epoch'),
          rekeyed,
        );
        if (verdict === 'rerun') {
          this.running = null;
          return this.execute(trigger, answers, true);
        }
        weighed = true;
        throw verdict;
      }
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
      const keyChange =
        error instanceof KeyError && (error.code === 'key_changed' || error.code === 'key_missing');
      if (keyChange && !weighed) {
        const verdict = await this.weigh(error as KeyError, rekeyed);
        if (verdict === 'rerun') {
          this.running = null;
          return this.execute(trigger, answers, true);
        }
        error = verdict;
      }
      if (error === this.deps.session.endedBy) this.endLogged = error;
      report = await this.failed(error);
    } finally {
      this.running = null;
    }
    if (report.result === 'ok') await this.finishAfter(cipher);
    await this.log(trigger, startedAt, requestsBefore, report);
    await this.deps.changed(quiet ? 'state' : 'all');
    this.deps.ran?.();
    return report;
  }

  /**
   * A key change the server signalled (a 409, records of a later epoch) is only believed as far
   * as its key document proves it: the key is dropped only when an authentic later document
   * leaves this device out. Otherwise the device keeps its key and reports `key_unverified`.
   */
  private async weigh(error: KeyError, rekeyed: boolean): Promise<EngineError | 'rerun'> {
    let verdict: 'unchanged' | 'picked_up' | 'left_out';
    try {
      verdict = await this.deps.keyPickedUp();
    } catch (refused) {
      return asEngineError(refused);
    }
    if (verdict === 'picked_up' && !rekeyed) return 'rerun';
    if (verdict === 'left_out') {
      await this.deps.keyLost(error);
      return error;
    }
    this.deps.ctx.log({ level: 'warn', event: 'key_change_unverified', code: error.code });
    return new KeyError(
      'key_unverified',
      `The server signalled a key change (${error.code}), but its key document is still the key this device holds`,
      error,
    );
  }

  private async failed(error: EngineError): Promise<SyncReport> {
    const { ctx } = this.deps;
    const info: ErrorInfo = { code: error.code, message: error.message, at: ctx.clock.now() };
    ctx.log({ level: 'warn', event: 'sync_failed', code: error.code });
    if (error instanceof NetworkError && error.unreachable) {
      this.offlineSince ??= info.at;
    } else if (!(error instanceof AuthError && SIGNED_OUT.has(error.code))) {
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
      replaced: await countReplacedSince(ctx.db, startedAt),
      quarantined: tally?.quarantined ?? 0,
      requests: this.deps.api.requests - requestsBefore,
      errorCode: report.error?.code ?? withheldNote(tally).errorCode,
      message: report.error?.message ?? withheldNote(tally).message,
    });
    const retrying = report.result === 'error' && this.retryScheduled;
    // A device the server signed out has nothing to sync until it signs in again.
    if (!retrying && !this.stopped && ctx.settings.autoSync && this.deps.session.current) {
      this.triggers.scheduleNext('interval', ctx.settings.intervalSeconds * 1000);
    }
  }
}
