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
import { watchConnectivity } from '../extension/background/connectivity';
import type { HostEngine } from '../extension/background/host-engine';
import { BROADCAST_CHANNEL, type Broadcast } from './wire';
import { flushOutbox, OUTBOX_TAG, requestSyncWhenStuck } from './worker/outbox-sync';
import { serveMessage } from './worker/serve-message';
import { startEngine } from './worker/start-engine';

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

let host: Promise<HostEngine> | null = null;

/**
 * Started on the first event that needs it, not at install: a new version waiting to take over
 * must not run a second engine beside the active one.
 */
function engine(): Promise<HostEngine> {
  if (!host) {
    const started = startEngine(broadcast);
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
