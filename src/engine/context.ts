import type { HlcClock } from './clock/hlc-clock';
import type { EngineDatabase } from './db/open';
import type { Clock } from './deps';
import type { EngineSettings } from './settings';

/** A structured log line. Never holds record data, tokens or keys: only codes and counts. */
export interface LogEvent {
  level: 'debug' | 'info' | 'warn' | 'error';
  event: string;
  [detail: string]: string | number | boolean | null;
}

export type Logger = (event: LogEvent) => void;

/** What the engine's modules share: the open database, the device's clocks and settings. */
export interface EngineContext {
  readonly db: EngineDatabase;
  readonly clock: Clock;
  readonly deviceId: string;
  readonly hlc: HlcClock;
  /** Revisions kept per record for undo and restore. */
  readonly historyDepth: number;
  /** Least wait between two publications of this device's state manifest (omission/). */
  readonly manifestIntervalMs?: number;
  settings: EngineSettings;
  readonly log: Logger;
}
