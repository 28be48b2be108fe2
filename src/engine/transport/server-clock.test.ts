import { describe, expect, it } from 'vitest';
import { ServerClock } from './server-clock';

const T = Date.parse('2026-12-01T12:00:00.000Z');

function clockAt(device: { now: number }) {
  return new ServerClock(() => device.now);
}

describe('ServerClock', () => {
  it('takes the device clock as right until a dated answer arrives', () => {
    const device = { now: T };
    const clock = clockAt(device);
    expect(clock.now()).toBe(T);
    clock.observe(null, T, T + 10);
    clock.observe('not a date', T, T + 10);
    expect(clock.now()).toBe(T);
  });

  it('learns a device clock that runs 20 minutes fast, within the header’s second', () => {
    const device = { now: T + 20 * 60_000 };
    const clock = clockAt(device);
    // The server answered at 12:00:00.4 its time; the header says 12:00:00.
    clock.observe(new Date(T).toUTCString(), device.now - 40, device.now + 40);
    expect(Math.abs(clock.now() - T)).toBeLessThanOrEqual(1_000);
    expect(
      Math.abs(clock.toDevice(T + 5 * 60_000) - (device.now + 5 * 60_000)),
    ).toBeLessThanOrEqual(1_000);
  });

  it('keeps the quicker sample over a slower one, unless that one is a minute old', () => {
    const device = { now: T };
    const clock = clockAt(device);
    clock.observe(new Date(T).toUTCString(), T - 10, T + 10);
    const first = clock.offset;
    // A slow answer (8 s round trip) guesses worse: it does not replace the quick one.
    clock.observe(new Date(T + 30_000).toUTCString(), T, T + 8_000);
    expect(clock.offset).toBe(first);
    // Over a minute later the clocks may have drifted: the newer sample wins.
    device.now = T + 120_000;
    clock.observe(new Date(T + 178_000).toUTCString(), T + 116_000, T + 120_000);
    expect(Math.abs(clock.offset - 60_000)).toBeLessThanOrEqual(1_000);
  });

  it('ignores an answer received before it was sent (the device clock jumped)', () => {
    const clock = clockAt({ now: T });
    clock.observe(new Date(T + 60_000).toUTCString(), T, T - 5);
    expect(clock.offset).toBe(0);
  });
});
