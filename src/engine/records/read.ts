/** Reading records for a UI: secrets masked unless the caller asks to reveal them. */
import { COLLECTION_NAMES, type CollectionName, type RecordData } from '../collections';
import { assertCollection } from '../collections/validate';
import { readMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { HistoryRow, RecordRow } from '../db/schema';
import { readRows, rowStore } from '../db/sealed-rows';
import { maskData } from '../mask';
import { readHistory } from './history';

export interface RecordView<C extends CollectionName = CollectionName> {
  collection: C;
  id: string;
  data: RecordData<C>;
  /** Has an edit not yet acknowledged by the server. */
  pending: boolean;
  /** Has an unresolved conflict. */
  conflicted: boolean;
  updatedAt: number;
}

export interface ReadOptions {
  /** Show secret fields (API keys) in clear. */
  reveal?: boolean;
}

export interface ListOptions extends ReadOptions {
  /** Only the first this many (in id order): a page opens those rows, not the collection's. */
  limit?: number;
}

function view<C extends CollectionName>(
  row: RecordRow,
  pending: boolean,
  conflicted: boolean,
  reveal: boolean,
): RecordView<C> {
  return {
    collection: row.collection as C,
    id: row.id,
    data: maskData(row.collection, row.data, reveal) as RecordData<C>,
    pending,
    conflicted,
    updatedAt: row.updatedAt,
  };
}

export async function getRecord<C extends CollectionName>(
  db: EngineDatabase,
  collection: C,
  id: string,
  options: ReadOptions = {},
): Promise<RecordView<C> | null> {
  assertCollection(collection);
  const tx = db.transaction(['records', 'outbox', 'conflicts']);
  const [row, pending, conflict] = await Promise.all([
    rowStore(tx, 'records').get([collection, id]),
    tx.objectStore('outbox').getKey([collection, id]),
    rowStore(tx, 'conflicts').getKey([collection, id]),
  ]);
  if (!row || row.data === null) return null;
  return view(row, pending !== undefined, conflict !== undefined, options.reveal ?? false);
}

export async function listRecords<C extends CollectionName>(
  db: EngineDatabase,
  collection: C,
  options: ListOptions = {},
): Promise<RecordView<C>[]> {
  assertCollection(collection);
  const tx = db.transaction(['records', 'outbox', 'conflicts']);
  const range = collectionRange(collection);
  const records = rowStore(tx, 'records');
  // Tombstones are the only rows indexed: reading that many more finds `limit` live ones.
  const take =
    options.limit === undefined
      ? undefined
      : options.limit + (await records.index('byDeletedIn').count(collection));
  const [all, pending, conflicts] = await Promise.all([
    records.getAll(range, take),
    tx.objectStore('outbox').getAllKeys(range),
    rowStore(tx, 'conflicts').getAllKeys(range),
  ]);
  const rows = all.filter((row) => row.live === 1).slice(0, options.limit);
  const pendingIds = new Set(pending.map((key) => key[1]));
  const conflictIds = new Set(conflicts.map((key) => key[1]));
  return rows
    .map((row) =>
      view<C>(row, pendingIds.has(row.id), conflictIds.has(row.id), options.reveal ?? false),
    )
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every key of one collection's records, live or not. */
export function collectionRange(collection: CollectionName): IDBKeyRange {
  return IDBKeyRange.bound([collection, ''], [collection, '\uffff']);
}

/**
 * Live records per collection: its keys counted, less its tombstones (the only rows indexed).
 * Counting keys opens no row, so it costs the same with the device lock on.
 */
export async function countLive(db: EngineDatabase): Promise<Record<CollectionName, number>> {
  const store = readRows(db, 'records');
  const tombstones = store.index('byDeletedIn');
  const counts = await Promise.all(
    COLLECTION_NAMES.map(async (name) => {
      const [all, deleted] = await Promise.all([
        store.count(collectionRange(name)),
        tombstones.count(name),
      ]);
      return all - deleted;
    }),
  );
  return Object.fromEntries(COLLECTION_NAMES.map((name, i) => [name, counts[i] ?? 0])) as Record<
    CollectionName,
    number
  >;
}

export interface HistoryView {
  seq: number;
  data: Record<string, unknown> | null;
  replacedBy: HistoryRow['replacedBy'];
  at: number;
  /** The value was written on this device (not pulled from another). */
  byThisDevice: boolean;
}

export async function listHistory(
  db: EngineDatabase,
  collection: CollectionName,
  id: string,
  options: ReadOptions = {},
): Promise<HistoryView[]> {
  assertCollection(collection);
  const rows = await readHistory(db, collection, id);
  const writer = (await readMeta(db, 'device'))?.deviceId;
  return rows.map((row) => ({
    seq: row.seq ?? 0,
    data: maskData(collection, row.data, options.reveal ?? false),
    replacedBy: row.replacedBy,
    at: row.at,
    byThisDevice: row.device === writer,
  }));
}
