/** What the server holds for an account, read straight from its store (Node only). */
import type { RemoteRecord } from '../../protocol';
import type { TestDevice } from './devices';
import type { NodeBackend } from './node-backend';

/** Every record the server holds for the device's account (latest version each), by id. */
export async function serverRecords(
  backend: NodeBackend,
  device: TestDevice,
): Promise<Map<string, RemoteRecord>> {
  const account = device.engine.getStatus().account;
  if (!account) throw new Error(`${device.name} is not signed in`);
  const records = new Map<string, RemoteRecord>();
  let since = 0;
  for (;;) {
    const outcome = await backend.server.store.changesSince({
      accountId: account.accountId,
      deviceId: account.deviceId,
      sinceSeq: since,
      limit: 1000,
    });
    if (outcome.kind !== 'changes') throw new Error('cursor expired reading the server');
    for (const record of outcome.changes) records.set(record.id, record);
    since = outcome.cursorSeq;
    if (!outcome.hasMore) return records;
  }
}
