import type { EngineDatabase } from '../db/open';
import type { SyncMeta } from '../db/schema';
import type { WriteTx } from '../db/tx';

export const INITIAL_SYNC_META: SyncMeta = {
  accountId: null,
  cursor: null,
  joined: false,
  joinChoice: null,
  fullResync: false,
  lastSyncAt: null,
};

export async function readSyncMeta(source: EngineDatabase | WriteTx): Promise<SyncMeta> {
  const store =
    'objectStore' in source ? source.objectStore('meta') : source.transaction('meta').store;
  return ((await store.get('sync')) as SyncMeta | undefined) ?? { ...INITIAL_SYNC_META };
}

/** Read-modify-write of the sync metadata inside a transaction. */
export async function updateSyncMeta(tx: WriteTx, patch: Partial<SyncMeta>): Promise<SyncMeta> {
  const next = { ...(await readSyncMeta(tx)), ...patch };
  await tx.objectStore('meta').put(next, 'sync');
  return next;
}
