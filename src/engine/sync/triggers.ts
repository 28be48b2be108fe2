/**
 * When automatic syncs happen: an edit (debounced), the interval, a retry after a failure. All
 * timers go through the injected scheduler, so hosts can back them with alarms and tests can
 * drive them; the host signals start-up and coming back online itself.
 */

import type { SyncTrigger } from '../db/schema';
import type { Clock, Scheduler, TimerHandle } from '../deps';

/**
 * How long edits must pause before they are pushed. Short, so that with live sync an edit shows
 * on the other devices within a second (issue 13); still long enough that a burst (an import, a
 * form saving several records) goes out as one run, since each edit restarts the wait.
 */
export const DEFAULT_EDIT_DEBOUNCE_MS = 300;

export class SyncTriggers {
  private editTimer: TimerHandle | null = null;
  private nextTimer: TimerHandle | null = null;
  private nextAt: number | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly fire: (trigger: SyncTrigger) => void,
    private readonly editDebounceMs: number,
  ) {}

  get nextSyncAt(): number | null {
    return this.nextAt;
  }

  /** A local edit: sync once edits pause for the debounce time. */
  edited(): void {
    if (this.editTimer !== null) this.scheduler.clearTimeout(this.editTimer);
    this.editTimer = this.scheduler.setTimeout(() => {
      this.editTimer = null;
      this.fire('edit');
    }, this.editDebounceMs);
  }

  /** Schedules the next automatic run (interval or retry), replacing the previous schedule. */
  scheduleNext(trigger: 'interval' | 'retry', delayMs: number): void {
    this.cancelNext();
    this.nextAt = this.clock.now() + delayMs;
    this.nextTimer = this.scheduler.setTimeout(() => {
      this.nextTimer = null;
      this.nextAt = null;
      this.fire(trigger);
    }, delayMs);
  }

  cancelNext(): void {
    if (this.nextTimer !== null) this.scheduler.clearTimeout(this.nextTimer);
    this.nextTimer = null;
    this.nextAt = null;
  }

  stop(): void {
    this.cancelNext();
    if (this.editTimer !== null) this.scheduler.clearTimeout(this.editTimer);
    this.editTimer = null;
  }
}
