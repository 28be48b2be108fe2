/**
 * Hybrid logical clock (Kulkarni et al.): a wall-clock millisecond, a counter and the writing
 * device. A device that has seen a change always stamps its later edits after it, whatever its
 * own wall clock says, so a clock an hour behind cannot make an old edit win a last-write-wins
 * merge. The device id breaks ties deterministically.
 *
 * Stamps are strings whose lexicographic order is the clock order (fixed-width decimal fields),
 * so they sort in IndexedDB and compare with `<`.
 */

export interface Hlc {
  wall: number;
  counter: number;
  device: string;
}

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 6;
const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;
const STAMP = /^(\d{15}):(\d{6}):([A-Za-z0-9_-]{1,64})$/;

export class HlcFormatError extends Error {
  override readonly name = 'HlcFormatError';
  readonly code = 'hlc_invalid';
}

export function formatHlc(hlc: Hlc): string {
  return `${String(hlc.wall).padStart(WALL_DIGITS, '0')}:${String(hlc.counter).padStart(COUNTER_DIGITS, '0')}:${hlc.device}`;
}

export function parseHlc(stamp: string): Hlc {
  const match = STAMP.exec(stamp);
  if (!match) throw new HlcFormatError('Not a hybrid-logical-clock stamp');
  return { wall: Number(match[1]), counter: Number(match[2]), device: match[3] as string };
}

export function isHlc(stamp: unknown): stamp is string {
  return typeof stamp === 'string' && STAMP.test(stamp);
}

/** Negative when a is earlier, positive when later, 0 only for the same stamp. */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxHlc(a: string, b: string): string {
  return a >= b ? a : b;
}

/** Stamp `wall` with a counter, carrying into the next millisecond if the counter is full. */
function stamp(wall: number, counter: number, device: string): Hlc {
  return counter > MAX_COUNTER ? { wall: wall + 1, counter: 0, device } : { wall, counter, device };
}

/** The clock after a local event (an edit) at wall time `now`. */
export function tick(previous: Hlc, now: number): Hlc {
  if (now > previous.wall) return { wall: now, counter: 0, device: previous.device };
  return stamp(previous.wall, previous.counter + 1, previous.device);
}

/** The clock after receiving a remote stamp at wall time `now`: later than both. */
export function receive(previous: Hlc, remote: Hlc, now: number): Hlc {
  const wall = Math.max(previous.wall, remote.wall, now);
  if (wall === previous.wall && wall === remote.wall) {
    return stamp(wall, Math.max(previous.counter, remote.counter) + 1, previous.device);
  }
  if (wall === previous.wall) return stamp(wall, previous.counter + 1, previous.device);
  if (wall === remote.wall) return stamp(wall, remote.counter + 1, previous.device);
  return { wall, counter: 0, device: previous.device };
}

/** A clock that has never ticked. */
export function zeroHlc(device: string): Hlc {
  return { wall: 0, counter: 0, device };
}
