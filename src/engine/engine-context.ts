/** The engine's context as read from its database at start (device id, clock, settings, limits). */
import { DEFAULT_LIMITS, type Limits } from '../protocol';
import { saneLimits } from './auth/check-limits';
import { formatHlc, zeroHlc } from './clock/hlc';
import { HlcClock } from './clock/hlc-clock';
import type { EngineContext, Logger } from './context';
import { readMeta, writeMeta } from './db/meta';
import { openEngineDatabase } from './db/open';
import type { Clock } from './deps';
import type { EngineOptions } from './engine';
import { randomId } from './ids';
import { DEFAULT_SETTINGS } from './settings';

export async function openContext(
  options: EngineOptions,
  clock: Clock,
  log: Logger,
): Promise<{ ctx: EngineContext; limits: Limits }> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  const db = await openEngineDatabase(factory, options.dbName);
  const device = (await readMeta(db, 'device')) ?? {
    deviceId: randomId(9),
    createdAt: clock.now(),
  };
  await writeMeta(db, 'device', device);
  const hlc = (await readMeta(db, 'clock')) ?? formatHlc(zeroHlc(device.deviceId));
  const settings = { ...DEFAULT_SETTINGS, ...(await readMeta(db, 'settings')) };
  const limits = saneLimits(await readMeta(db, 'limits'), DEFAULT_LIMITS);
  const ctx: EngineContext = {
    db,
    clock,
    deviceId: device.deviceId,
    hlc: new HlcClock(hlc, clock),
    historyDepth: options.historyDepth ?? 10,
    ...(options.manifestIntervalMs === undefined
      ? {}
      : { manifestIntervalMs: options.manifestIntervalMs }),
    settings,
    log,
  };
  return { ctx, limits };
}
