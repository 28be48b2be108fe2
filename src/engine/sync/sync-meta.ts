import type { IDBPObjectStore, StoreNames } from 'idb';
import type { EngineDatabase } from '../db/open';
import type { EngineDB, SyncMeta } from '../db/schema';

/**
 * Any read-write transaction over `meta`, described by the one store it needs. Typed as the
 * whole `WriteTx`, a one-store transaction (whose typed `store` differs) passed or failed the
 * check depending on the order in which TypeScript happened to visit the files.
 */
interface MetaWriteTx {
  objectStore(
    name: 'meta',
  ): Pick<
    IDBPObjectStore<EngineDB, ArrayLike<StoreNames<EngineDB>>, 'meta', 'readwrite'>,
    'get' | 'put'
  >;
}

export const INITIAL_SYNC_META: SyncMeta = {
  accountId: null,
  cursor: null,
  joined: false,
  joinChoice: null,
  fullResync: false,
  lastSyncAt: null,
};

export async function readSyncMeta(source: EngineDatabase | MetaWriteTx): Promise<SyncMeta> {
  const store =
    'objectStore' in source ? source.objectStore('meta') : source.transaction('meta').store;
  return ((await store.get('sync')) as SyncMeta | undefined) ?? { ...INITIAL_SYNC_META };
}

/** Read-modify-write of the sync metadata inside a transaction. */
export async function updateSyncMeta(tx: MetaWriteTx, patch: Partial<SyncMeta>): Promise<SyncMeta> {
  const next = { ...(await readSyncMeta(tx)), ...patch };
  await tx.objectStore('meta').put(next, 'sync');
  return next;
}
