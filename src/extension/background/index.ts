/**
 * The extension's service worker: hosts the engine and wires it to the browser. Listeners are
 * registered synchronously at the top level, as MV3 requires for events to wake the worker.
 * Nothing here holds state that matters: the engine keeps everything in IndexedDB, so whichever
 * event wakes a stopped worker, `startEngine()` resumes where the last one left off.
 */
import browser from 'webextension-polyfill';
import { INTERVAL_ALARM, WAKE_ALARM } from './alarm-scheduler';
import { servePort } from './port-server';
import { startEngine } from './start-engine';

const engine = startEngine();

browser.runtime.onConnect.addListener((port) => servePort(port, engine));

browser.alarms.onAlarm.addListener((alarm) => {
  // A wake alarm only needs the worker running: starting the engine resumes what was due.
  if (alarm.name === WAKE_ALARM) void engine;
  if (alarm.name === INTERVAL_ALARM) void engine.then((host) => host.wake('interval'));
});

self.addEventListener('online', () => void engine.then((host) => host.wake('online')));

void engine.then(
  (host) => host.wake('startup'),
  (error: unknown) => console.error('Satchel: the engine failed to start', error),
);
