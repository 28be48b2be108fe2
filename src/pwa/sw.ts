/// <reference lib="webworker" />
/**
 * The app's service worker: serves the precached app shell (so the app opens with no network),
 * hosts the sync engine, and answers pages' commands. Listeners are registered synchronously at
 * the top level, as the browser requires for events to wake the worker.
 */
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { systemScheduler } from '../engine';
import { watchConnectivity } from '../host/connectivity';
import { describeDevice } from '../host/device-name';
import type { Host } from '../host/host';
import { startHost } from '../host/start';
import { BROADCAST_CHANNEL, type Broadcast } from './wire';
import { flushOutbox, OUTBOX_TAG, requestSyncWhenStuck } from './worker/outbox-sync';
import { serveMessage } from './worker/serve-message';
import { serverSetting } from './worker/server-setting';

declare const self: ServiceWorkerGlobalScope;

// The build writes the app shell's file list and revisions into __WB_MANIFEST.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The app routes in the URL hash, so only the root (with any query) is the app's page; /activate
// and the API on the same origin must keep reaching the server.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    allowlist: [/^\/(index\.html)?(\?.*)?$/],
  }),
);

const channel = new BroadcastChannel(BROADCAST_CHANNEL);
const broadcast = (message: Broadcast) => channel.postMessage(message);

let host: Promise<Host> | null = null;

/**
 * Started on the first event that needs it, not at install: a new version waiting to take over
 * must not run a second engine beside the active one.
 */
function engine(): Promise<Host> {
  if (!host) {
    const started = startHost({
      clientId: 'satchel-pwa',
      // Plain timers are enough here: when the browser stops an idle worker its timers die, and
      // whatever was due (a sign-in poll, a retry, a push) resumes from IndexedDB when a page, a
      // Background Sync event or a reconnect wakes it again.
      scheduler: systemScheduler,
      serverSetting,
      // A worker cannot open windows: the page that asked to connect opens the sign-in page.
      async openTab(url) {
        broadcast({ type: 'open', url });
      },
      // "Satchel app (Chrome on Android)": the approval page and the device list show it.
      async describeDevice() {
        return describeDevice('app', self.navigator.userAgent);
      },
    });
    host = started;
    started.then(
      (ready) => {
        broadcast({ type: 'status', status: ready.getStatus() });
        ready.onStatus((status) => broadcast({ type: 'status', status }));
        requestSyncWhenStuck(ready, self.registration);
        // Pages report connectivity too, but one may not be open when the network returns.
        watchConnectivity(
          () => self.navigator.onLine,
          (online) => ready.setOnline(online),
        );
      },
      (error: unknown) => {
        console.error('Satchel: the engine failed to start', error);
        // The next page message tries again rather than repeating a stale failure forever.
        host = null;
      },
    );
  }
  return host;
}

self.addEventListener('activate', (event) => {
  // The first install takes the open page at once, so it works offline without a reload.
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  event.waitUntil(
    serveMessage(event.data, event.ports[0], {
      engine,
      skipWaiting: () => self.skipWaiting(),
    }),
  );
});

self.addEventListener('sync', (event) => {
  const sync = event as ExtendableEvent & { tag: string; lastChance?: boolean };
  if (sync.tag !== OUTBOX_TAG) return;
  sync.waitUntil(engine().then(flushOutbox));
});
