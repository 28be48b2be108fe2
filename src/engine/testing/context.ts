/** An EngineContext on a fresh database, for tests of the engine's modules below the Engine API. */
import { formatHlc, zeroHlc } from '../clock/hlc';
import { HlcClock } from '../clock/hlc-clock';
import type { EngineContext, LogEvent } from '../context';
import { type EngineDatabase, openEngineDatabase } from '../db/open';
import type { Clock } from '../deps';
import { randomId } from '../ids';
import { DEFAULT_SETTINGS, type EngineSettings } from '../settings';
import { freshDbName, testIndexedDB } from './idb';

export class ManualClock implements Clock {
  constructor(public time = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface TestContext extends EngineContext {
  readonly clock: ManualClock;
  readonly logs: LogEvent[];
  close(): void;
}

export async function createTestContext(
  options: { deviceId?: string; settings?: Partial<EngineSettings>; db?: EngineDatabase } = {},
): Promise<TestContext> {
  const db = options.db ?? (await openEngineDatabase(await testIndexedDB(), freshDbName()));
  const clock = new ManualClock();
  const deviceId = options.deviceId ?? randomId(6);
  const logs: LogEvent[] = [];
  return {
    db,
    clock,
    deviceId,
    hlc: new HlcClock(formatHlc(zeroHlc(deviceId)), clock),
    historyDepth: 5,
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    log: (event) => logs.push(event),
    logs,
    close: () => db.close(),
  };
}
