/**
 * Periodic housekeeping: purges tombstones past their retention, and expired sessions, device
 * authorizations, invites, rate-limit windows, op_id answers and pairings (their bundles at
 * expiry, the rows an hour later). Safe in every process: both
 * purges are idempotent and concurrent runs only find less to delete.
 */
import type { Config } from './config';
import type { Deps } from './context';
import { describeError } from './log';

export interface Housekeeping {
  /** Purges tombstones older than the retention now; resolves with how many were deleted. */
  purgeTombstones(): Promise<number>;
  /** One full round (tombstones and expired rows), as the timer runs it. */
  runOnce(): Promise<void>;
  stop(): void;
}

export function startHousekeeping(
  deps: Pick<Deps, 'store' | 'clock' | 'logger'> & {
    config: Pick<Config, 'tombstoneRetentionMs' | 'purgeIntervalS'>;
  },
  options: { timer?: boolean } = {},
): Housekeeping {
  const { store, clock, logger, config } = deps;
  let running: Promise<void> | undefined;

  const purgeTombstones = async (): Promise<number> => {
    const purged = await store.purgeTombstones(clock() - config.tombstoneRetentionMs);
    if (purged > 0) logger.info('tombstones purged', { count: purged });
    return purged;
  };

  const runOnce = async (): Promise<void> => {
    await purgeTombstones();
    const expired = await store.purgeExpired(clock());
    logger.debug('expired rows purged', { ...expired });
  };

  const tick = () => {
    // A slow round is never started twice by one process.
    if (running) return;
    running = runOnce()
      .catch((error) => logger.error('housekeeping failed', describeError(error)))
      .finally(() => {
        running = undefined;
      });
  };

  let timer: NodeJS.Timeout | undefined;
  if (options.timer !== false) {
    timer = setInterval(tick, config.purgeIntervalS * 1000);
    timer.unref();
    // A first round soon after start, so a server restarted often still purges.
    setTimeout(tick, 1000).unref();
  }
  return {
    purgeTombstones,
    runOnce,
    stop: () => clearInterval(timer),
  };
}
