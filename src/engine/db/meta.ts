/** Typed access to the `meta` store: each key has its own value type. */
import { type IDBPTransaction, type StoreNames, unwrap } from 'idb';
import { EngineError } from '../errors';
import type { EngineDatabase } from './open';
import type { EngineDB, MetaKey, MetaMap } from './schema';

type MetaTx = IDBPTransaction<EngineDB, ArrayLike<StoreNames<EngineDB>>, IDBTransactionMode>;
type WriteTx = IDBPTransaction<EngineDB, ArrayLike<StoreNames<EngineDB>>, 'readwrite'>;

/**
 * Takes over the secret meta keys while the device lock is on (lock/secret-vault.ts): they then
 * live sealed in one `vault` value and in memory, never as they are in the store.
 */
export interface MetaGuard {
  covers(key: MetaKey): boolean;
  /** Throws `device_locked` while locked. */
  read(key: MetaKey): unknown;
  write(key: MetaKey, value: unknown): Promise<void>;
  remove(key: MetaKey): Promise<void>;
}

const guards = new WeakMap<IDBDatabase, MetaGuard>();

export function guardMeta(db: EngineDatabase, guard: MetaGuard | null): void {
  if (guard) guards.set(unwrap(db), guard);
  else guards.delete(unwrap(db));
}

function guardOf(source: EngineDatabase | MetaTx, key: MetaKey): MetaGuard | null {
  const db = 'objectStore' in source ? unwrap(source).db : unwrap(source);
  const guard = guards.get(db);
  return guard?.covers(key) ? guard : null;
}

/** Whether `key` is held by the lock's vault (then it cannot be written inside a transaction). */
export function metaGuarded(db: EngineDatabase, key: MetaKey): boolean {
  return guardOf(db, key) !== null;
}

export async function readMeta<K extends MetaKey>(
  source: EngineDatabase | MetaTx,
  key: K,
): Promise<MetaMap[K] | undefined> {
  const guard = guardOf(source, key);
  if (guard) return guard.read(key) as MetaMap[K] | undefined;
  const store =
    'objectStore' in source ? source.objectStore('meta') : source.transaction('meta').store;
  return (await store.get(key)) as MetaMap[K] | undefined;
}

export async function writeMeta<K extends MetaKey>(
  source: EngineDatabase | WriteTx,
  key: K,
  value: MetaMap[K],
): Promise<void> {
  const guard = guardOf(source, key);
  if (guard) {
    // Sealing awaits WebCrypto, which would end a transaction under way.
    if ('objectStore' in source)
      throw new EngineError('internal_error', `${key} is sealed: write it outside a transaction`);
    return guard.write(key, value);
  }
  if ('objectStore' in source) {
    await source.objectStore('meta').put(value, key);
  } else {
    await source.put('meta', value, key);
  }
}

export async function deleteMeta(source: EngineDatabase | WriteTx, key: MetaKey): Promise<void> {
  const guard = guardOf(source, key);
  if (guard) {
    if ('objectStore' in source)
      throw new EngineError('internal_error', `${key} is sealed: delete it outside a transaction`);
    return guard.remove(key);
  }
  if ('objectStore' in source) await source.objectStore('meta').delete(key);
  else await source.delete('meta', key);
}
