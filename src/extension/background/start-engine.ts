import browser from 'webextension-polyfill';
import { createEngine, type LogEvent, systemClock } from '../../engine';
import { describeDevice } from '../../ui/device-name';
import { createAlarmScheduler } from './alarm-scheduler';
import { createHostEngine } from './engine-adapter';
import type { HostEngine } from './host-engine';
import { readServerSetting, writeServerSetting } from './server-setting';

export const DB_NAME = 'satchel';

/** Engine events carry codes, never record values or secrets, so they can go to the console. */
function log(event: LogEvent): void {
  if (event.level === 'error') console.error('Satchel:', event);
  else if (event.level === 'warn') console.warn('Satchel:', event);
}

/**
 * Creates the engine with the worker's dependencies: its IndexedDB database, the worker's fetch,
 * the wall clock, and timers backed by chrome.alarms so a due poll or sync wakes a stopped
 * worker. Everything the engine needs to resume (a pending sign-in, queued edits, a half-done
 * sync) is in IndexedDB, so this is all a restart has to do.
 */
export async function startEngine(): Promise<HostEngine> {
  const engine = createEngine({
    dbName: DB_NAME,
    clientId: 'satchel-extension',
    fetch: (input, init) => fetch(input, init),
    clock: systemClock,
    scheduler: createAlarmScheduler(),
    log,
  });
  return createHostEngine(engine, {
    server: { read: readServerSetting, write: writeServerSetting },
    async openTab(url) {
      await browser.tabs.create({ url });
    },
    async describeDevice() {
      const { os } = await browser.runtime.getPlatformInfo();
      return describeDevice('extension', navigator.userAgent, os);
    },
  });
}
