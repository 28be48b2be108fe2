import type { Status } from '../../host/contract';
import type { Host } from '../../host/host';

/** The Background Sync tag under which waiting edits are flushed. */
export const OUTBOX_TAG = 'satchel-outbox';

/** Background Sync is not in TypeScript's lib (Chromium only; Safari and Firefox lack it). */
interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

const CAN_SYNC: ReadonlySet<Status['state']['kind']> = new Set([
  'idle',
  'syncing',
  'offline',
  'error',
]);

function stuck(status: Status): boolean {
  const { kind } = status.state;
  return status.pendingEdits > 0 && (kind === 'offline' || kind === 'error');
}

/**
 * Asks the browser for a Background Sync whenever edits are waiting and the last attempt could
 * not reach the server, so they are sent when connectivity returns even with the app closed.
 * Browsers without Background Sync rely on the page's `online`, visibility and start-up nudges.
 */
export function requestSyncWhenStuck(host: Host, registration: ServiceWorkerRegistration) {
  const sync = (registration as ServiceWorkerRegistration & { sync?: SyncManagerLike }).sync;
  if (!sync) return;
  let requested = false;
  const check = (status: Status) => {
    if (!stuck(status)) {
      requested = false;
      return;
    }
    if (requested) return;
    requested = true;
    sync.register(OUTBOX_TAG).catch((error: unknown) => {
      requested = false;
      console.warn('Satchel: Background Sync was refused; edits will sync on reconnect', error);
    });
  };
  check(host.getStatus());
  host.onStatus(check);
}

/**
 * The `sync` event's work: push what waits. Rejecting tells the browser the flush failed, so it
 * tries again later with its own back-off.
 */
export async function flushOutbox(host: Host): Promise<void> {
  const before = host.getStatus();
  if (before.pendingEdits === 0 || !CAN_SYNC.has(before.state.kind)) return;
  await host.call('sync.now', undefined);
  const after = host.getStatus();
  if (stuck(after)) {
    throw new Error(`edits still waiting after a sync attempt (${after.state.kind})`);
  }
}
