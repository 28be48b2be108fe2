/** A scheduler tests drive by hand: timers fire only when the test advances virtual time. */
import type { Scheduler, TimerHandle } from '../deps';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets promise callbacks and I/O callbacks that are already due run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class ManualScheduler implements Scheduler {
  private timers = new Map<number, Timer>();
  private nextId = 1;
  /** Virtual milliseconds elapsed. */
  now = 0;

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + Math.max(0, delayMs), seq: id, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Delays of the timers waiting, soonest first (for assertions on what is scheduled). */
  pending(): number[] {
    return [...this.timers.values()].map((timer) => timer.at - this.now).sort((a, b) => a - b);
  }

  /** Moves virtual time forward, firing due timers in order and letting their work start. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      let next: [number, Timer] | null = null;
      for (const entry of this.timers) {
        if (entry[1].at > target) continue;
        if (
          !next ||
          entry[1].at < next[1].at ||
          (entry[1].at === next[1].at && entry[1].seq < next[1].seq)
        )
          next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].callback();
      await settle();
    }
    this.now = target;
    await settle();
  }

  /** Forgets every timer: an engine "killed" with this scheduler never wakes again. */
  freeze(): void {
    this.timers.clear();
    this.setTimeout = () => 0;
  }
}
