/** Typed access to the `meta` store: each key has its own value type. */
import type { IDBPTransaction, StoreNames } from 'idb';
import type { EngineDatabase } from './open';
import type { EngineDB, MetaKey, MetaMap } from './schema';

type MetaTx = IDBPTransaction<EngineDB, ArrayLike<StoreNames<EngineDB>>, IDBTransactionMode>;
type WriteTx = IDBPTransaction<EngineDB, ArrayLike<StoreNames<EngineDB>>, 'readwrite'>;

export async function readMeta<K extends MetaKey>(
  source: EngineDatabase | MetaTx,
  key: K,
): Promise<MetaMap[K] | undefined> {
  const store =
    'objectStore' in source ? source.objectStore('meta') : source.transaction('meta').store;
  return (await store.get(key)) as MetaMap[K] | undefined;
}

export async function writeMeta<K extends MetaKey>(
  source: EngineDatabase | WriteTx,
  key: K,
  value: MetaMap[K],
): Promise<void> {
  if ('objectStore' in source) {
    await source.objectStore('meta').put(value, key);
  } else {
    await source.put('meta', value, key);
  }
}

export async function deleteMeta(source: EngineDatabase | WriteTx, key: MetaKey): Promise<void> {
  if ('objectStore' in source) await source.objectStore('meta').delete(key);
  else await source.delete('meta', key);
}
