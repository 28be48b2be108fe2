/**
 * The popup's and options page's `Bridge`: commands and status over a runtime port to the
 * service worker. When the browser stops the worker the port disconnects; calls in flight fail
 * with `worker_restarted` (the UI says so, nothing is retried behind the person's back) and a new
 * port wakes the worker, which resumes from IndexedDB and pushes a fresh status.
 */
import browser from 'webextension-polyfill';
import type { Bridge, CommandInput, CommandName, CommandResult } from '../ui/bridge';
import { BridgeError } from '../ui/bridge';
import { createStatusHub } from '../ui/status-hub';
import { isWorkerToPage, type PageToWorker, PORT_NAME } from './messages';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function createPageBridge(): Bridge {
  const hub = createStatusHub();
  const pending = new Map<number, Pending>();
  let nextId = 1;
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
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(new BridgeError(message.error));
    });
    p.onDisconnect.addListener(() => {
      port = null;
      for (const call of pending.values()) {
        call.reject(
          new BridgeError({
            code: 'worker_restarted',
            message: 'The service worker stopped before answering',
          }),
        );
      }
      pending.clear();
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

  return {
    subscribe: hub.subscribe,
    call<K extends CommandName>(
      name: K,
      ...input: CommandInput<K> extends undefined ? [] : [CommandInput<K>]
    ) {
      const id = nextId++;
      const message: PageToWorker = { type: 'call', id, name, input: input[0] as CommandInput<K> };
      return new Promise<CommandResult<K>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        port ??= connect();
        port.postMessage(message);
      });
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
export function originPattern(server: string): string {
  const url = new URL(server);
  return `${url.protocol}//${url.hostname}/*`;
}
