import type { Clock } from '../deps';
import { formatHlc, type Hlc, parseHlc, receive, tick } from './hlc';

/**
 * The device's running hybrid logical clock. Callers persist `value` in the same transaction as
 * the write that used a stamp; after a crash the clock restarts from the last persisted stamp,
 * and any stamp lost with the crash was lost together with its write.
 */
export class HlcClock {
  private state: Hlc;
  constructor(
    stamp: string,
    private readonly clock: Clock,
  ) {
    this.state = parseHlc(stamp);
  }

  get value(): string {
    return formatHlc(this.state);
  }

  tick(): string {
    this.state = tick(this.state, this.clock.now());
    return formatHlc(this.state);
  }

  /** Moves the clock past a stamp seen in a remote record, so later local edits sort after it. */
  observe(stamp: string): void {
    this.state = receive(this.state, parseHlc(stamp), this.clock.now());
  }
}
