import { describe, expect, it } from 'vitest';
import {
  compareHlc,
  formatHlc,
  type Hlc,
  HlcFormatError,
  parseHlc,
  receive,
  tick,
  zeroHlc,
} from './hlc';

const at = (wall: number, counter: number, device: string): Hlc => ({ wall, counter, device });

describe('hybrid logical clock', () => {
  it('formats to a fixed-width stamp that parses back', () => {
    const stamp = formatHlc(at(1_767_225_600_000, 7, 'dev-A'));
    expect(stamp).toBe('001767225600000:000007:dev-A');
    expect(parseHlc(stamp)).toEqual(at(1_767_225_600_000, 7, 'dev-A'));
  });

  it('rejects a malformed stamp with a coded error', () => {
    expect(() => parseHlc('12:3:x')).toThrow(HlcFormatError);
    expect(() => parseHlc('001767225600000:000007:bad id')).toThrow(/Not a hybrid/);
  });

  it('orders stamps as strings in clock order, the device breaking ties', () => {
    const a = formatHlc(at(999, 5, 'zzz'));
    const b = formatHlc(at(1000, 0, 'aaa'));
    const c = formatHlc(at(1000, 1, 'aaa'));
    const d = formatHlc(at(1000, 1, 'bbb'));
    expect([d, c, b, a].sort()).toEqual([a, b, c, d]);
    expect(compareHlc(a, b)).toBeLessThan(0);
    expect(compareHlc(d, c)).toBeGreaterThan(0);
    expect(compareHlc(c, c)).toBe(0);
  });

  it('tick follows the wall clock when it moves forward and counts when it does not', () => {
    const start = zeroHlc('me');
    const first = tick(start, 5000);
    expect(first).toEqual(at(5000, 0, 'me'));
    expect(tick(first, 5000)).toEqual(at(5000, 1, 'me'));
    // The wall clock jumped back: the clock stays ahead and counts.
    expect(tick(at(5000, 1, 'me'), 3000)).toEqual(at(5000, 2, 'me'));
  });

  it('carries a full counter into the next millisecond', () => {
    expect(tick(at(5000, 999_999, 'me'), 10)).toEqual(at(5001, 0, 'me'));
  });

  it('receive moves past a remote stamp from a clock an hour ahead', () => {
    const hour = 3_600_000;
    const local = at(10_000, 0, 'slow');
    const remote = at(10_000 + hour, 4, 'fast');
    const after = receive(local, remote, 10_500);
    expect(after).toEqual(at(10_000 + hour, 5, 'slow'));
    // A later local edit still sorts after the remote one although the wall clock is behind.
    const edit = tick(after, 11_000);
    expect(formatHlc(edit) > formatHlc(remote)).toBe(true);
  });

  it('receive keeps the local clock when it is ahead of both', () => {
    expect(receive(at(9000, 3, 'me'), at(8000, 9, 'you'), 7000)).toEqual(at(9000, 4, 'me'));
    expect(receive(at(9000, 3, 'me'), at(9000, 9, 'you'), 7000)).toEqual(at(9000, 10, 'me'));
    expect(receive(at(1000, 3, 'me'), at(2000, 9, 'you'), 9000)).toEqual(at(9000, 0, 'me'));
  });
});
