import type browser from 'webextension-polyfill';
import { toErrorShape } from '../../host/error-shape';
import type { Host } from '../../host/host';
import { isPageToWorker, PORT_NAME, type WorkerToPage } from '../../host/wire';

/**
 * Serves one page's port: pushes every status change, answers each call. The engine may still be
 * opening its database when the port connects (the page's connect is what woke the worker), so
 * everything waits on `engine`.
 */
export function servePort(port: browser.Runtime.Port, engine: Promise<Host>): void {
  if (port.name !== PORT_NAME) return;
  let open = true;
  const post = (message: WorkerToPage) => {
    if (!open) return;
    try {
      port.postMessage(message);
    } catch (error) {
      // The page went away (reloaded, closed) before onDisconnect reached us: it hears nothing
      // more, and the throw must not stop the status reaching the pages still open.
      open = false;
      unsubscribe?.();
      console.warn('Satchel: a page closed before its message was sent', error);
    }
  };
  let unsubscribe: (() => void) | null = null;
  port.onDisconnect.addListener(() => {
    open = false;
    unsubscribe?.();
  });
  void engine.then(
    (host) => {
      if (!open) return;
      post({ type: 'status', status: host.getStatus() });
      unsubscribe = host.onStatus((status) => post({ type: 'status', status }));
    },
    (error: unknown) => post({ type: 'unavailable', error: toErrorShape(error) }),
  );
  port.onMessage.addListener((message: unknown) => {
    if (!isPageToWorker(message)) {
      console.error('Satchel: ignoring a malformed message on the port');
      return;
    }
    void engine
      .then((host) => host.call(message.name, message.input))
      .then(
        (value) => post({ type: 'result', id: message.id, ok: true, value }),
        (error: unknown) =>
          post({ type: 'result', id: message.id, ok: false, error: toErrorShape(error) }),
      );
  });
}
