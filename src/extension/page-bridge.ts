/**
 * The popup's and options page's `Bridge`: commands and status over a runtime port to the
 * service worker. When the browser stops the worker the port disconnects; calls in flight fail
 * with `worker_restarted` (the UI says so, nothing is retried behind the person's back) and a new
 * port wakes the worker, which resumes from IndexedDB and pushes a fresh status.
 */
import browser from 'webextension-polyfill';
import type { Bridge, CommandInput, CommandName, CommandResult } from '../host/contract';
import { BridgeError } from '../host/contract';
import { createStatusHub } from '../host/status-hub';
import { readSnapshot, SNAPSHOT_KEY } from '../host/status-snapshot';
import { createCallTable, isWorkerToPage, type PageToWorker, PORT_NAME } from '../host/wire';

export interface PageBridge extends Bridge {
  /** Settles once the last-known status was read (shown or not): the popup paints after it. */
  snapshotRead: Promise<void>;
}

export function createPageBridge(): PageBridge {
  const hub = createStatusHub();
  const calls = createCallTable();
  let port: browser.Runtime.Port | null = null;
  let failures = 0;

  function connect(): browser.Runtime.Port {
    const p = browser.runtime.connect({ name: PORT_NAME });
    p.onMessage.addListener((message: unknown) => {
      if (!isWorkerToPage(message)) {
        console.error('Satchel: unexpected message from the service worker', message);
        return;
      }
      failures = 0;
      if (message.type === 'unavailable') {
        hub.showUnavailable(new BridgeError(message.error));
        return;
      }
      if (message.type === 'status') {
        hub.showStatus(message.status);
        return;
      }
      calls.settle(message);
    });
    p.onDisconnect.addListener(() => {
      port = null;
      calls.failWhere(
        new BridgeError({
          code: 'worker_restarted',
          message: 'The service worker stopped before answering',
        }),
      );
      // Reconnect so status keeps flowing (the new port wakes the worker), backing off in case
      // the worker cannot start at all rather than spinning.
      const delay = Math.min(2000, 50 * 2 ** failures++);
      setTimeout(() => {
        port ??= connect();
      }, delay);
    });
    return p;
  }

  port = connect();
  // Read beside the port, not after it: a stopped worker takes a few hundred ms to answer.
  const snapshotRead = browser.storage.session.get(SNAPSHOT_KEY).then(
    (stored) => {
      const status = readSnapshot(stored[SNAPSHOT_KEY], Date.now());
      if (status) hub.showSnapshot(status);
    },
    (error: unknown) => console.error('Satchel: could not read the status snapshot', error),
  );

  return {
    snapshotRead,
    subscribe: hub.subscribe,
    call<K extends CommandName>(
      name: K,
      ...input: CommandInput<K> extends undefined ? [] : [CommandInput<K>]
    ) {
      const { id, result } = calls.open<CommandResult<K>>();
      const message: PageToWorker = { type: 'call', id, name, input: input[0] as CommandInput<K> };
      try {
        port ??= connect();
        port.postMessage(message);
      } catch (error) {
        calls.fail(id, error as Error);
      }
      return result;
    },
    host: {
      async requestServerAccess(server) {
        return browser.permissions.request({ origins: [originPattern(server)] });
      },
      openOptions(section) {
        const url = browser.runtime.getURL('src/extension/options/index.html');
        void browser.tabs.create({ url: section ? `${url}#${section}` : url });
      },
      openUrl(url) {
        void browser.tabs.create({ url });
      },
    },
  };
}

/** Host permission pattern for a server URL: its origin, any path. */
function originPattern(server: string): string {
  const url = new URL(server);
  return `${url.protocol}//${url.hostname}/*`;
}
