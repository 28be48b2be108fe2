import type { CollectionName } from '../collections';
import type { EngineDatabase } from '../db/open';
import type { HistoryRow, HistorySource, RecordRow } from '../db/schema';
import { readRows, rowStore } from '../db/sealed-rows';
import type { WriteTx } from '../db/tx';

/**
 * Keeps the value `row` held before it is replaced, trimming to the newest `depth` entries.
 * Returns the entry's sequence number (null when a depth of 0 keeps nothing).
 */
export async function appendHistory(
  tx: WriteTx,
  row: RecordRow,
  replacedBy: HistorySource,
  at: number,
  depth: number,
): Promise<number | null> {
  const store = rowStore(tx, 'history');
  const seq = await store.add({
    collection: row.collection,
    id: row.id,
    data: row.data,
    hlc: row.hlc,
    device: row.device,
    replacedBy,
    at,
  });
  const keys = await store.index('byRecord').getAllKeys([row.collection, row.id]);
  const excess = keys.length - depth;
  for (let index = 0; index < excess; index += 1) {
    const key = keys[index];
    if (key !== undefined) await store.delete(key);
  }
  return excess > 0 && keys.slice(0, excess).includes(seq) ? null : seq;
}

/** The record's earlier values, newest first. */
export async function readHistory(
  db: EngineDatabase,
  collection: CollectionName,
  id: string,
): Promise<HistoryRow[]> {
  const rows = await readRows(db, 'history').index('byRecord').getAll([collection, id]);
  return rows.sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
}
