/**
 * Driving devices' polls (pairing, sign-in) by hand: each round moves every device's virtual
 * timers on by one poll interval and lets what that started run.
 */
import { settle } from '../../src/engine/testing/manual-scheduler';
import { type TestDevice, waitFor } from './devices';

/**
 * One round. It ends with 25 ms of real time because a request in flight is not done within a
 * macrotask: over the loopback in Chromium it takes a few milliseconds more, and if virtual time
 * raced ahead meanwhile, other timers (syncs, token refreshes) would pile up in front of the
 * polls that matter. Without the pause, hostile-pairing's "N never confirms" stalled once in
 * Chromium (cause not found); with it the pairing suites keep to real request order.
 */
export async function pollRound(devices: TestDevice[]): Promise<void> {
  for (const device of devices) await device.scheduler.advance(1500);
  await settle();
  await new Promise((resolve) => setTimeout(resolve, 25));
}

/** Runs rounds until `done` holds (30 s at most). */
export async function pump(
  devices: TestDevice[],
  what: string,
  done: () => boolean,
): Promise<void> {
  await waitFor(
    what,
    async () => {
      await pollRound(devices);
      return done();
    },
    30_000,
  );
}
