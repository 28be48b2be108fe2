import { toErrorShape } from '../../host/error-shape';
import type { Host } from '../../host/host';
import { isPageToServiceWorker, type Reply } from '../wire';

export interface ServeDeps {
  engine(): Promise<Host>;
  skipWaiting(): Promise<void>;
}

/**
 * Answers one page message. The returned promise settles once the answer is posted; the worker
 * passes it to `event.waitUntil` so the browser does not stop it mid-command.
 */
export async function serveMessage(
  data: unknown,
  reply: MessagePort | undefined,
  deps: ServeDeps,
): Promise<void> {
  if (!isPageToServiceWorker(data)) {
    console.error('Satchel: ignoring a malformed message from a page');
    return;
  }
  const answer = (message: Reply) => reply?.postMessage(message);
  switch (data.type) {
    case 'SKIP_WAITING':
      await deps.skipWaiting();
      return;
    case 'connectivity': {
      const host = await deps.engine();
      host.setOnline(data.online);
      return;
    }
    case 'hello':
      try {
        answer({ type: 'status', status: (await deps.engine()).getStatus() });
      } catch (error) {
        answer({ type: 'unavailable', error: toErrorShape(error) });
      }
      return;
    case 'call':
      try {
        const host = await deps.engine();
        const value = await host.call(data.name, data.input);
        answer({ type: 'result', id: data.id, ok: true, value });
      } catch (error) {
        answer({ type: 'result', id: data.id, ok: false, error: toErrorShape(error) });
      }
      return;
  }
}
