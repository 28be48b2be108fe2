import { createEngine, type LogEvent, systemClock, systemScheduler } from '../../engine';
import { createHostEngine } from '../../extension/background/engine-adapter';
import type { HostEngine } from '../../extension/background/host-engine';
import { describeDevice } from '../../ui/device-name';
import type { Broadcast } from '../wire';
import { readServerSetting, writeServerSetting } from './server-setting';

export const DB_NAME = 'satchel';

/** Engine events carry codes, never record values or secrets, so they can go to the console. */
function log(event: LogEvent): void {
  if (event.level === 'error') console.error('Satchel:', event);
  else if (event.level === 'warn') console.warn('Satchel:', event);
}

/**
 * The engine in the app's service worker, behind the extension's host adapter so pages get the
 * same commands and status as the extension's. Plain timers are enough here: when the browser
 * stops an idle worker its timers die, and whatever was due (a sign-in poll, a retry, a push)
 * resumes from IndexedDB when a page, a Background Sync event or a reconnect wakes it again.
 */
export function startEngine(broadcast: (message: Broadcast) => void): Promise<HostEngine> {
  const engine = createEngine({
    dbName: DB_NAME,
    clientId: 'satchel-pwa',
    fetch: (input, init) => fetch(input, init),
    clock: systemClock,
    scheduler: systemScheduler,
    log,
  });
  return createHostEngine(engine, {
    server: { read: readServerSetting, write: writeServerSetting },
    // A worker cannot open windows: the page that asked to connect opens the sign-in page.
    async openTab(url) {
      broadcast({ type: 'open', url });
    },
    // "Satchel app (Chrome on Android)": the approval page and the device list show it.
    async describeDevice() {
      return describeDevice('app', self.navigator.userAgent);
    },
  });
}
