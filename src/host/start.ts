/**
 * Starting the engine in a service worker, shared by both: each worker passes its platform
 * pieces (its scheduler, where it keeps the server setting, how it opens the sign-in page and
 * names itself). Everything the engine needs to resume (a pending sign-in, queued edits, a
 * half-done sync) is in IndexedDB, so this is all a restart has to do.
 */
import {
  createEngine,
  type EngineOptions,
  type LogEvent,
  type Scheduler,
  systemClock,
} from '../engine';
import { createHost } from './commands';
import type { Host, HostDeps } from './host';

export const DB_NAME = 'satchel';

export interface StartHostOptions extends HostDeps {
  /** Tells the server which client signs in, e.g. `satchel-extension`. */
  clientId: EngineOptions['clientId'];
  /** Timers that outlive a stopped worker where the platform allows it (chrome.alarms). */
  scheduler: Scheduler;
}

/** Engine events carry codes, never record values or secrets, so they can go to the console. */
function log(event: LogEvent): void {
  if (event.level === 'error') console.error('Satchel:', event);
  else if (event.level === 'warn') console.warn('Satchel:', event);
}

export function startHost({ clientId, scheduler, ...deps }: StartHostOptions): Promise<Host> {
  const engine = createEngine({
    dbName: DB_NAME,
    clientId,
    fetch: (input, init) => fetch(input, init),
    // Both workers have the platform WebSocket; a test host without one syncs on its timer.
    ...(typeof globalThis.WebSocket === 'function'
      ? { liveSocket: (url: string) => new globalThis.WebSocket(url) }
      : {}),
    clock: systemClock,
    scheduler,
    log,
  });
  return createHost(engine, deps);
}
