/**
 * Which pokes become pulls. A poke says "the account's sequence is now N": it is worth a pull
 * when N is past the cursor and is not the sequence this device's own push produced. Bursts are
 * coalesced: one live pull at a time, and the pokes that arrive meanwhile are weighed once it
 * ends (so at most one more). While any sync runs, pokes wait for it to end: its push may be
 * the write being poked about, and its answer tells which sequence that was.
 */
import type { Logger } from '../context';

export interface LivePullsDeps {
  /** The change feed cursor as stored (null: never pulled). */
  cursor(): Promise<number | null>;
  /** Starts a pull (a sync run triggered by `live`); resolves when it ends. */
  pull(): Promise<unknown>;
  /** A sync run is in flight or waiting to start. */
  syncBusy(): boolean;
  log: Logger;
}

/** Pokes and own writes remembered: enough for any burst; older ones are past the cursor. */
const MAX_POKES = 64;
const MAX_OWN = 1024;

export class LivePulls {
  private readonly poked = new Set<number>();
  private readonly own = new Set<number>();
  private pulling: Promise<void> | null = null;
  private weighing = false;
  private weighAgain = false;

  constructor(private readonly deps: LivePullsDeps) {}

  /** A sequence this device's own push produced (from the server's batch answer). */
  wrote(seq: number): void {
    this.own.add(seq);
    if (this.own.size > MAX_OWN) this.own.delete(this.own.values().next().value as number);
  }

  poke(seq: number): void {
    this.poked.add(seq);
    if (this.poked.size > MAX_POKES) this.poked.delete(Math.min(...this.poked));
    void this.weigh();
  }

  /** Some sync run ended: pokes that waited for it are weighed now. */
  ran(): void {
    void this.weigh();
  }

  /** Forgets waiting pokes (the stream closed; the next one's `ready` says where the account is). */
  clear(): void {
    this.poked.clear();
  }

  private async weigh(): Promise<void> {
    if (this.pulling || this.deps.syncBusy() || this.poked.size === 0) return;
    if (this.weighing) {
      this.weighAgain = true;
      return;
    }
    this.weighing = true;
    try {
      const cursor = (await this.deps.cursor()) ?? -1;
      for (const seq of this.poked) {
        if (seq <= cursor || this.own.has(seq)) this.poked.delete(seq);
      }
      if (this.poked.size === 0 || this.pulling || this.deps.syncBusy()) return;
      this.deps.log({ level: 'info', event: 'live_pull', seq: Math.max(...this.poked) });
      this.poked.clear();
      this.pulling = this.deps
        .pull()
        .then(
          () => undefined,
          () => undefined, // The run reports its own failure (status, activity log).
        )
        .finally(() => {
          this.pulling = null;
          void this.weigh();
        });
    } catch (error) {
      this.deps.log({
        level: 'warn',
        event: 'live_cursor_read_failed',
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.weighing = false;
      if (this.weighAgain) {
        this.weighAgain = false;
        void this.weigh();
      }
    }
  }
}
