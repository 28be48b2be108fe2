/**
 * Driving devices' polls (pairing, sign-in) by hand: each round moves every device's virtual
 * timers on by one poll interval and lets what that started run.
 */
import { settle } from '../../src/engine/testing/manual-scheduler';
import { type TestDevice, waitFor } from './devices';

/** How long a round waits at most for the requests it started to be answered. */
const ANSWER_WAIT_MS = 5_000;

/**
 * One round. It ends once the requests it started are answered (and 25 ms more for what the
 * answers start): a request in flight is not done within a macrotask, and on a loaded machine it
 * can take far longer than the few milliseconds it takes over an idle loopback. If virtual time
 * raced ahead meanwhile, other timers (syncs, token refreshes) would pile up in front of the
 * polls that matter: a fixed 25 ms pause kept the pairing suites in order on a quiet machine,
 * yet they stalled in CI under load.
 */
export async function pollRound(devices: TestDevice[]): Promise<void> {
  for (const device of devices) await device.scheduler.advance(1500);
  await settle();
  const deadline = Date.now() + ANSWER_WAIT_MS;
  while (devices.some((device) => device.net.inFlight > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
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
