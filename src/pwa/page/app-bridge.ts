/**
 * The app's `Bridge` (src/host/contract.ts) to the engine in its service worker: each command is
 * posted to the active worker with a port for the answer; status arrives on a BroadcastChannel
 * shared by every open page. The page also feeds the worker what only pages reliably see:
 * connectivity changes and being looked at.
 */

import type { Bridge, CommandInput, CommandName, CommandResult, Status } from '../../host/contract';
import { BridgeError } from '../../host/contract';
import { createStatusHub } from '../../host/status-hub';
import { createSnapshotWriter, readSnapshot, SNAPSHOT_KEY } from '../../host/status-snapshot';
import { createCallTable, isWorkerToPage, type PageToWorker } from '../../host/wire';
import { BROADCAST_CHANNEL, isBroadcast, type PageToServiceWorker, type Reply } from '../wire';
import { isWebUrl } from './is-web-url';

/**
 * While the app is on screen, a hello this often keeps the worker (and so the engine's timers:
 * sign-in polls, retries, interval syncs) alive; browsers stop a worker idle for 30 s.
 */
const KEEPALIVE_MS = 20_000;

/** How long after Connect answers this page still opens the sign-in page it asked for. */
const OPEN_GRACE_MS = 2_000;

export interface AppBridgeDeps {
  /** Opens a URL in a new tab or window; false when the browser blocked it. */
  openWindow(url: string): boolean;
  /** Shows a section of the app (the extension's options page, here). */
  showSection(section?: string): void;
  /** Rejects when the service worker, which holds the engine, could not be registered. */
  workerFailed: Promise<never>;
  /** Resolves when messages may go to the worker (not while a new version takes over). */
  quiet?(): Promise<void>;
}

const NO_WORKER = new BridgeError({
  code: 'service_worker_unavailable',
  message:
    'This browser does not let Satchel run its offline worker (private browsing, or service workers are turned off), so it cannot keep your settings here.',
});

export function createAppBridge(deps: AppBridgeDeps): Bridge {
  const hub = createStatusHub();
  const { showUnavailable, subscribe } = hub;
  // The app's worker cannot reach localStorage, so its pages keep the snapshot of what they hear.
  const snapshot = createSnapshotWriter({
    persistent: true,
    now: Date.now,
    async write(value) {
      if (value) localStorage.setItem(SNAPSHOT_KEY, JSON.stringify(value));
      else localStorage.removeItem(SNAPSHOT_KEY);
    },
  });
  function showStatus(status: Status) {
    hub.showStatus(status);
    snapshot.saw(status);
  }
  const kept = readStoredSnapshot();
  if (kept) hub.showSnapshot(kept);
  /** Calls awaiting an answer, tagged with the worker that got them. */
  const calls = createCallTable<ServiceWorker>();
  const watched = new WeakSet<ServiceWorker>();
  /** Only the page whose Connect started a sign-in opens the sign-in page. */
  let connecting = 0;

  /** A worker replaced by a new version never answers what it was asked: fail those calls. */
  function watch(worker: ServiceWorker) {
    if (watched.has(worker)) return;
    watched.add(worker);
    worker.addEventListener('statechange', () => {
      if (worker.state !== 'redundant') return;
      calls.failWhere(
        new BridgeError({
          code: 'worker_restarted',
          message: 'The service worker was replaced before answering',
        }),
        (tag) => tag === worker,
      );
      hello();
    });
  }

  async function post(
    message: PageToServiceWorker,
    onReply?: (reply: Reply) => void,
  ): Promise<ServiceWorker> {
    if (!('serviceWorker' in navigator)) throw NO_WORKER;
    await deps.quiet?.();
    const registration = await Promise.race([
      navigator.serviceWorker.ready,
      deps.workerFailed,
    ]).catch((error: unknown) => {
      throw new BridgeError({
        code: 'service_worker_failed',
        message: `Satchel's background worker could not start (${error instanceof Error ? error.message : String(error)}). Reload the page; if this persists, the app on this server is incomplete`,
      });
    });
    const worker = registration.active;
    if (!worker) throw NO_WORKER;
    watch(worker);
    const channel = new MessageChannel();
    if (onReply) {
      channel.port1.onmessage = (event: MessageEvent<unknown>) => {
        channel.port1.close();
        if (isWorkerToPage(event.data)) onReply(event.data);
        else console.error('Satchel: unexpected answer from the service worker', event.data);
      };
    }
    worker.postMessage(message, onReply ? [channel.port2] : []);
    return worker;
  }

  function hello() {
    post({ type: 'hello' }, (reply) => {
      if (reply.type === 'status') showStatus(reply.status);
      else if (reply.type === 'unavailable') showUnavailable(new BridgeError(reply.error));
    }).catch((error: unknown) => showUnavailable(asBridgeError(error)));
  }

  const channel = 'BroadcastChannel' in self ? new BroadcastChannel(BROADCAST_CHANNEL) : null;
  channel?.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isBroadcast(message)) {
      console.error('Satchel: unexpected broadcast from the service worker', message);
      return;
    }
    if (message.type === 'status') showStatus(message.status);
    else if (message.type === 'unavailable') showUnavailable(new BridgeError(message.error));
    else if (connecting > 0 && isWebUrl(message.url) && !deps.openWindow(message.url)) {
      // Blocked pop-up: the sign-in screen offers a button to open it by hand.
      console.warn('Satchel: the browser blocked opening the sign-in page');
    }
  });

  const connectivity = () =>
    post({ type: 'connectivity', online: navigator.onLine }).catch((error: unknown) =>
      console.error('Satchel: could not tell the service worker about connectivity', error),
    );
  addEventListener('online', connectivity);
  addEventListener('offline', connectivity);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    hello();
    // Coming back to the app is a moment to retry what waits, for browsers without Background Sync.
    if (navigator.onLine) void connectivity();
  });
  setInterval(() => {
    if (document.visibilityState === 'visible') hello();
  }, KEEPALIVE_MS);
  hello();

  return {
    subscribe,
    call<K extends CommandName>(
      name: K,
      ...input: CommandInput<K> extends undefined ? [] : [CommandInput<K>]
    ) {
      const { id, result } = calls.open<CommandResult<K>>();
      const message: PageToWorker = { type: 'call', id, name, input: input[0] as CommandInput<K> };
      if (name === 'auth.connect') connecting += 1;
      post(message, (reply) => {
        if (reply.type === 'result') calls.settle(reply);
        else calls.fail(id, new BridgeError({ code: 'unexpected', message: reply.type }));
      }).then(
        (worker) => calls.tag(id, worker),
        (error: unknown) => calls.fail(id, asBridgeError(error)),
      );
      return result.finally(() => {
        // The "open" broadcast and this answer travel on different channels, in either order.
        if (name === 'auth.connect') setTimeout(() => (connecting -= 1), OPEN_GRACE_MS);
      });
    },
    host: {
      // The app reaches any server it is pointed at; the server's CORS settings decide.
      async requestServerAccess() {
        return true;
      },
      openOptions(section) {
        deps.showSection(section);
      },
      openUrl(url) {
        if (!isWebUrl(url)) return;
        if (!deps.openWindow(url)) location.assign(url);
      },
    },
  };
}

function readStoredSnapshot(): Status | null {
  try {
    const raw = localStorage.getItem(SNAPSHOT_KEY);
    return raw ? readSnapshot(JSON.parse(raw), Date.now()) : null;
  } catch (error) {
    // Storage refused or a damaged value: the page waits for the worker as it always could.
    console.error('Satchel: could not read the status snapshot', error);
    return null;
  }
}

function asBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  console.error('Satchel: talking to the service worker failed', error);
  return new BridgeError({
    code: 'service_worker_unavailable',
    message: `Satchel's offline worker did not answer: ${String(error)}`,
  });
}
