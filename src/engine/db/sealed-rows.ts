/**
 * While the device lock is on, the records' plaintext (current values, last-synced copies,
 * conflict sides, earlier values) is stored sealed: a row of `records`, `conflicts` or `history`
 * keeps in the clear only its key and what an index needs, the rest is sealed under the lock's
 * row key (crypto/row-seal.ts). The engine reaches those stores only through `rowStore()` (a
 * convention test holds it to that), which opens every value read and seals every value written,
 * inside the transaction under way. Rows stored in the clear (from before the lock, or while it
 * is being turned on or off) are read as they are.
 */
import { type IDBPTransaction, type IndexKey, type IndexNames, type StoreNames, unwrap } from 'idb';
import { openRow, type RowPlace, sealRow } from '../crypto/row-seal';
import { LockError } from '../errors';
import type { EngineDatabase } from './open';
import type { EngineDB, RecordRow } from './schema';

const CLEAR_FIELDS = {
  records: ['collection', 'id', 'live', 'deletedIn'],
  conflicts: ['collection', 'id'],
  history: ['seq', 'collection', 'id'],
} as const satisfies Record<string, readonly string[]>;

export type SealedStoreName = keyof typeof CLEAR_FIELDS;
export const SEALED_STORES = Object.keys(CLEAR_FIELDS) as SealedStoreName[];

type Row = Record<string, unknown> & { collection: string; id: string };

function placeOf(store: SealedStoreName, row: Row): RowPlace {
  return { store, collection: String(row.collection), id: String(row.id) };
}

/** Seals and opens one database's rows; its key is in memory only while the device is unlocked. */
export class RowSealer {
  private key: Uint8Array | null = null;
  /** False while the lock is turned off: rows are still opened, but written in the clear. */
  sealing = true;

  get unlocked(): boolean {
    return this.key !== null;
  }

  /** Keeps its own copy, so forgetting it never zeroes a key someone else holds. */
  useKey(key: Uint8Array): void {
    this.forget();
    this.key = new Uint8Array(key);
  }

  forget(): void {
    this.key?.fill(0);
    this.key = null;
  }

  seal(store: SealedStoreName, row: Row): unknown {
    if (!this.sealing) return row;
    const key = this.requireKey();
    const clear: Record<string, unknown> = {};
    const rest: Record<string, unknown> = { ...row };
    for (const field of CLEAR_FIELDS[store]) {
      if (field in row) clear[field] = row[field];
      delete rest[field];
    }
    return { ...clear, sealed: sealRow(key, placeOf(store, row), JSON.stringify(rest)) };
  }

  open(store: SealedStoreName, stored: Row): unknown {
    const sealed = stored.sealed;
    if (!(sealed instanceof Uint8Array)) return stored;
    const key = this.requireKey();
    let rest: Record<string, unknown>;
    try {
      rest = JSON.parse(openRow(key, placeOf(store, stored), sealed));
    } catch (error) {
      throw new LockError(
        'stored_row_damaged',
        `A ${store} row stored on this device does not open: storage was altered or damaged`,
        null,
        error,
      );
    }
    const row: Record<string, unknown> = { ...rest };
    for (const field of CLEAR_FIELDS[store]) if (field in stored) row[field] = stored[field];
    return row;
  }

  private requireKey(): Uint8Array {
    if (!this.key) throw new LockError('device_locked', 'This device is locked: unlock it first');
    return this.key;
  }
}

const sealers = new WeakMap<IDBDatabase, RowSealer>();

export function sealRowsOf(db: EngineDatabase, sealer: RowSealer | null): void {
  if (sealer) sealers.set(unwrap(db), sealer);
  else sealers.delete(unwrap(db));
}

type Value<N extends SealedStoreName> = EngineDB[N]['value'];
type Key<N extends SealedStoreName> = EngineDB[N]['key'];
type Query<N extends SealedStoreName> = Key<N> | IDBKeyRange;
type IndexQuery<N extends SealedStoreName, I extends IndexNames<EngineDB, N>> =
  | IndexKey<EngineDB, N, I>
  | IDBKeyRange;

/** A sealed store as the engine uses it: rows opened on the way out, sealed on the way in. */
export interface RowStore<N extends SealedStoreName> {
  get(query: Query<N>): Promise<Value<N> | undefined>;
  getAll(query?: Query<N> | null, count?: number): Promise<Value<N>[]>;
  put(value: Value<N>): Promise<Key<N>>;
  add(value: Value<N>): Promise<Key<N>>;
  delete(query: Query<N>): Promise<void>;
  clear(): Promise<void>;
  getKey(query: Query<N>): Promise<Key<N> | undefined>;
  getAllKeys(query?: Query<N> | null, count?: number): Promise<Key<N>[]>;
  count(query?: Query<N> | null): Promise<number>;
  index<I extends IndexNames<EngineDB, N>>(name: I): RowIndex<N, I>;
  openCursor(): Promise<RowCursor<N> | null>;
}

export interface RowIndex<N extends SealedStoreName, I extends IndexNames<EngineDB, N>> {
  get(query: IndexQuery<N, I>): Promise<Value<N> | undefined>;
  getAll(query?: IndexQuery<N, I> | null, count?: number): Promise<Value<N>[]>;
  getAllKeys(query?: IndexQuery<N, I> | null, count?: number): Promise<Key<N>[]>;
  count(query?: IndexQuery<N, I> | null): Promise<number>;
}

export interface RowCursor<N extends SealedStoreName> {
  readonly value: Value<N>;
  update(value: Value<N>): Promise<Key<N>>;
  delete(): Promise<void>;
  continue(): Promise<RowCursor<N> | null>;
}

// idb's own store, index and cursor types, loosened: the interfaces above carry the types.
type Loose = {
  // biome-ignore lint/suspicious/noExplicitAny: the typed interfaces above are the contract.
  [method: string]: any;
};
type AnyTx = IDBPTransaction<EngineDB, ArrayLike<StoreNames<EngineDB>>, IDBTransactionMode>;

/** Only tombstones are indexed (`byDeletedIn`): the mark follows `live` on every write. */
function markTombstone(row: RecordRow): RecordRow {
  if (row.live === 0)
    return row.deletedIn === row.collection ? row : { ...row, deletedIn: row.collection };
  if (row.deletedIn === undefined) return row;
  const { deletedIn: _revived, ...live } = row;
  return live;
}

/** The row store `name` of `tx`; its rows sealed while the database's lock is on. */
export function rowStore<N extends SealedStoreName>(tx: AnyTx, name: N): RowStore<N> {
  const idbStore = tx.objectStore(name);
  const store = idbStore as unknown as Loose;
  const raw = (unwrap(idbStore as never) as unknown as IDBObjectStore).transaction;
  const sealer = sealers.get(raw.db) ?? null;
  // A row that cannot be sealed or opened ends a writing transaction: without the abort, the
  // writes before it would commit alone and a change would land half made.
  const guarded = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (raw.mode === 'readwrite') {
        // The caller learns of it from this error; `done` rejecting too is no second report.
        tx.done.catch(() => undefined);
        try {
          raw.abort();
        } catch {
          // Already finished: the error below is what the caller needs.
        }
      }
      throw error;
    }
  };
  const open = (row: unknown) =>
    row === undefined || !sealer ? row : guarded(() => sealer.open(name, row as Row));
  const seal = (row: unknown) => {
    const marked = name === 'records' ? markTombstone(row as RecordRow) : row;
    return sealer ? guarded(() => sealer.seal(name, marked as Row)) : marked;
  };
  const cursorOf = (cursor: Loose | null): RowCursor<N> | null =>
    cursor && {
      get value() {
        return open(cursor.value) as Value<N>;
      },
      update: (value) => cursor.update(seal(value)),
      delete: () => cursor.delete(),
      continue: async () => cursorOf(await cursor.continue()),
    };
  const reads = (source: Loose) => ({
    get: async (query: unknown) => open(await source.get(query)),
    getAll: async (query?: unknown, count?: number) =>
      ((await source.getAll(query, count)) as unknown[]).map(open),
    getAllKeys: (query?: unknown, count?: number) => source.getAllKeys(query, count),
    count: (query?: unknown) => source.count(query),
  });
  return {
    ...reads(store),
    put: (value) => store.put(seal(value)),
    add: (value) => store.add(seal(value)),
    delete: (query) => store.delete(query),
    clear: () => store.clear(),
    getKey: (query) => store.getKey(query),
    index: (index) => reads(store.index(index)) as never,
    openCursor: async () => cursorOf(await store.openCursor()),
  } as RowStore<N>;
}

/** Reads from a sealed store in a transaction of its own. */
export function readRows<N extends SealedStoreName>(db: EngineDatabase, name: N): RowStore<N> {
  return rowStore(db.transaction(name), name);
}

type RowsTx = IDBPTransaction<EngineDB, ArrayLike<StoreNames<EngineDB>>, 'readwrite'>;

/** Rows rewritten per read: whole pages keep the requests few without holding a store in memory. */
const REWRITE_PAGE = 1000;

/**
 * Writes every row of the sealed stores again, inside `tx`: sealed when the database's sealer
 * is sealing (the lock turned on), in the clear when it is not (turned off). One transaction, so
 * a crash leaves all rows as they were or all as they should be.
 */
export async function rewriteRows(tx: RowsTx): Promise<number> {
  let count = 0;
  for (const name of SEALED_STORES) {
    const store = rowStore(tx, name);
    let after: IDBValidKey | null = null;
    for (;;) {
      const range: IDBKeyRange | null = after === null ? null : IDBKeyRange.lowerBound(after, true);
      const [keys, values] = await Promise.all([
        store.getAllKeys(range as never, REWRITE_PAGE),
        store.getAll(range as never, REWRITE_PAGE),
      ]);
      // Issued together and awaited once: one round trip per page, not one per row.
      await Promise.all(values.map((row) => store.put(row as never)));
      count += values.length;
      if (keys.length < REWRITE_PAGE) break;
      after = keys[keys.length - 1] as IDBValidKey;
    }
  }
  return count;
}
