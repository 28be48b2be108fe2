/**
 * The pending sign-in: started by a command, persisted, polled at the server's interval through
 * the injected scheduler, and resumed after a restart. Network failures keep it polling until the
 * code expires; denial and expiry end it with a coded error.
 */
import type { TokenResponse } from '../../protocol';
import type { Logger } from '../context';
import { deleteMeta, readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { PendingSignInMeta } from '../db/schema';
import type { Clock, Scheduler, TimerHandle } from '../deps';
import { AuthError, asEngineError, type EngineError } from '../errors';
import type { ServerApi } from '../transport/api';
import { pollDeviceGrant, type SignInInput, startDeviceGrant } from './device-grant';

export interface SignInCallbacks {
  approved(pending: PendingSignInMeta, tokens: TokenResponse): Promise<void>;
  failed(error: EngineError): void;
  changed(): void;
}

export class SignInFlow {
  private meta: PendingSignInMeta | null = null;
  private timer: TimerHandle | null = null;
  private polling = false;

  constructor(
    private readonly db: EngineDatabase,
    private readonly api: ServerApi,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
    private readonly callbacks: SignInCallbacks,
  ) {}

  get pending(): PendingSignInMeta | null {
    return this.meta;
  }

  /** Resumes a sign-in persisted before a restart. */
  async resume(): Promise<void> {
    this.meta = (await readMeta(this.db, 'pendingSignIn')) ?? null;
    if (this.meta) this.schedule(0);
  }

  async start(input: SignInInput): Promise<PendingSignInMeta> {
    const pending = await startDeviceGrant(this.api, input, this.clock.now());
    await writeMeta(this.db, 'pendingSignIn', pending);
    this.meta = pending;
    this.schedule(pending.intervalMs);
    this.callbacks.changed();
    return pending;
  }

  async cancel(): Promise<void> {
    this.stop();
    this.meta = null;
    await deleteMeta(this.db, 'pendingSignIn');
    this.callbacks.changed();
  }

  stop(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    this.stop();
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, delayMs);
  }

  private async finish(pending: PendingSignInMeta, tokens: TokenResponse): Promise<void> {
    try {
      await this.callbacks.approved(pending, tokens);
    } catch (error) {
      // The device code is spent: report the failure rather than polling a used code.
      this.callbacks.failed(asEngineError(error));
    }
    this.callbacks.changed();
  }

  private async poll(): Promise<void> {
    const pending = this.meta;
    if (!pending || this.polling) return;
    this.polling = true;
    try {
      const outcome = await pollDeviceGrant(this.api, pending, this.clock.now());
      if (this.meta !== pending) return; // Cancelled while the poll was in flight.
      if (outcome.kind === 'approved') {
        this.meta = null;
        await deleteMeta(this.db, 'pendingSignIn');
        await this.finish(pending, outcome.tokens);
        return;
      }
      if (outcome.kind === 'slow_down') {
        this.meta = { ...pending, intervalMs: outcome.intervalMs };
        await writeMeta(this.db, 'pendingSignIn', this.meta);
      }
      this.schedule(this.meta?.intervalMs ?? pending.intervalMs);
    } catch (error) {
      const failure = asEngineError(error);
      if (failure instanceof AuthError) {
        this.meta = null;
        await deleteMeta(this.db, 'pendingSignIn');
        this.callbacks.failed(failure);
        this.callbacks.changed();
        return;
      }
      // Offline or a server hiccup: keep polling until the code expires.
      this.log({ level: 'warn', event: 'sign_in_poll_failed', code: failure.code });
      if (this.meta === pending) this.schedule(pending.intervalMs);
    } finally {
      this.polling = false;
    }
  }
}
