/**
 * The extension's service worker: hosts the engine and wires it to the browser. Listeners are
 * registered synchronously at the top level, as MV3 requires for events to wake the worker.
 * Nothing here holds state that matters: the engine keeps everything in IndexedDB, so whichever
 * event wakes a stopped worker, `startHost()` resumes where the last one left off.
 */
import browser from 'webextension-polyfill';
import { watchConnectivity } from '../../host/connectivity';
import { describeDevice } from '../../host/device-name';
import { startHost } from '../../host/start';
import { createSnapshotWriter, SNAPSHOT_KEY } from '../../host/status-snapshot';
import { createAlarmScheduler, WAKE_ALARM } from './alarm-scheduler';
import { showBadge } from './badge';
import { servePort } from './port-server';
import { serverSetting } from './server-setting';

/**
 * Timers backed by chrome.alarms, so a due poll or sync wakes a stopped worker; the server
 * setting in chrome.storage, shared with every page.
 */
const engine = startHost({
  clientId: 'satchel-extension',
  scheduler: createAlarmScheduler(),
  serverSetting,
  async openTab(url) {
    await browser.tabs.create({ url });
  },
  async describeDevice() {
    const { os } = await browser.runtime.getPlatformInfo();
    return describeDevice('extension', navigator.userAgent, os);
  },
});

browser.runtime.onConnect.addListener((port) => servePort(port, engine));

// A fresh install opens the first-run guide, so nobody has to find the toolbar icon to start.
browser.runtime.onInstalled.addListener(({ reason }) => {
  if (reason !== 'install') return;
  const url = `${browser.runtime.getURL('src/extension/options/index.html')}#welcome`;
  browser.tabs.create({ url }).catch((error: unknown) => {
    console.error('Satchel: could not open the welcome page', error);
  });
});

browser.alarms.onAlarm.addListener((alarm) => {
  // A wake alarm only needs the worker running: starting the engine resumes what was due.
  if (alarm.name === WAKE_ALARM) void engine;
});

watchConnectivity(
  () => navigator.onLine,
  (online) => void engine.then((host) => host.setOnline(online)),
);

void engine.then(
  (host) => {
    const badge = (status: Parameters<typeof showBadge>[0]) =>
      showBadge(status).catch((error: unknown) => console.error('Satchel: badge failed', error));
    // In memory only (storage.session), so the lock's promise of nothing at rest still holds.
    const snapshot = createSnapshotWriter({
      persistent: false,
      now: Date.now,
      write: (value) =>
        value
          ? browser.storage.session.set({ [SNAPSHOT_KEY]: value })
          : browser.storage.session.remove(SNAPSHOT_KEY),
    });
    void badge(host.getStatus());
    snapshot.saw(host.getStatus());
    host.onStatus((status) => {
      void badge(status);
      snapshot.saw(status);
    });
  },
  (error: unknown) => console.error('Satchel: the engine failed to start', error),
);
