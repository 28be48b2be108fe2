/**
 * A local edit: the record, its outbox entry, its history and the clock are written in ONE
 * IndexedDB transaction, so whenever the worker dies the edit is either fully there (and will be
 * sent) or was never acknowledged.
 */
import type { CollectionName } from '../collections';
import type { Fields } from '../collections/validate';
import type { EngineContext } from '../context';
import type { ConflictRow, HistorySource, RecordRow } from '../db/schema';
import { rowStore } from '../db/sealed-rows';
import { RECORD_STORES, type WriteTx } from '../db/tx';
import { randomId } from '../ids';
import { jsonEqual } from '../merge/equal';
import { threeWayMerge } from '../merge/three-way';
import { appendHistory } from './history';

/**
 * Computes the record's next data from its current row (undefined: none), or throws an
 * EngineError to refuse the change. Runs inside the transaction, so it must be synchronous.
 */
export type NextData = (current: RecordRow | undefined) => Fields | null;

function changedFieldClocks(
  previous: RecordRow | undefined,
  next: Fields | null,
  stamp: string,
): Record<string, string> {
  const clocks = { ...(previous?.clocks ?? {}) };
  const before = previous?.data ?? {};
  const after = next ?? {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!jsonEqual(before[field], after[field])) clocks[field] = stamp;
  }
  return clocks;
}

/**
 * A conflict waiting for a person whose local side just changed: what it is about may have
 * changed with it (deleting the record here makes it edit versus delete, and bringing it back
 * makes it a question of fields again), so the person is shown what is really at stake.
 */
function reexamine(conflict: ConflictRow): ConflictRow {
  const outcome = threeWayMerge(
    conflict.base,
    conflict.local,
    conflict.remote,
    conflict.baseDeletedAt,
  );
  if (outcome.kind === 'delete') {
    return {
      ...conflict,
      kind: 'delete',
      deletedSide: outcome.deletedSide,
      fields: [],
      merged: null,
    };
  }
  if (outcome.kind === 'fields') {
    return {
      ...conflict,
      kind: 'fields',
      deletedSide: null,
      fields: outcome.fields,
      merged: outcome.merged,
    };
  }
  // Nothing is in dispute any more (e.g. both sides now agree): the person still settles it.
  if (outcome.data === null) return conflict;
  return { ...conflict, kind: 'fields', deletedSide: null, fields: [], merged: outcome.data };
}

async function writeChange(
  ctx: EngineContext,
  tx: WriteTx,
  collection: CollectionName,
  id: string,
  nextData: NextData,
  source: HistorySource,
): Promise<RecordRow | null> {
  const now = ctx.clock.now();
  const previous = await rowStore(tx, 'records').get([collection, id]);
  const next = nextData(previous);
  const stamp = ctx.hlc.tick();
  let row: RecordRow = {
    collection,
    id,
    live: next === null ? 0 : 1,
    data: next,
    hlc: stamp,
    device: ctx.deviceId,
    clocks: changedFieldClocks(previous, next, stamp),
    base: previous?.base ?? null,
    updatedAt: now,
  };
  if (previous) await appendHistory(tx, previous, source, now, ctx.historyDepth);
  await tx.objectStore('meta').put(ctx.hlc.value, 'clock');

  const conflict = await rowStore(tx, 'conflicts').get([collection, id]);
  if (conflict) {
    conflict.local = { data: row.data, hlc: row.hlc, device: row.device, clocks: row.clocks };
    await rowStore(tx, 'conflicts').put(reexamine(conflict));
  }
  const outbox = tx.objectStore('outbox');
  const pending = await outbox.get([collection, id]);
  if (row.base === null && next === null && !pending?.sent) {
    // Created and deleted before it ever synced: there is nothing to tell the server.
    await rowStore(tx, 'records').delete([collection, id]);
    await outbox.delete([collection, id]);
    return null;
  }
  const base = row.base;
  if (!conflict && base && jsonEqual(base.data, next)) {
    // Back to exactly what the server holds: nothing left to send.
    row = { ...row, hlc: base.hlc, device: base.device, clocks: { ...base.clocks } };
    await rowStore(tx, 'records').put(row);
    await outbox.delete([collection, id]);
    return row;
  }
  await rowStore(tx, 'records').put(row);
  await outbox.put({
    collection,
    id,
    opId: randomId(),
    queuedAt: pending?.queuedAt ?? now,
    held: pending?.held ?? false,
    ...(pending?.sent ? { sent: true } : {}),
  });
  return row;
}

/** Commits a local change; returns the new row (null when the record vanished entirely). */
export async function commitLocalChange(
  ctx: EngineContext,
  collection: CollectionName,
  id: string,
  nextData: NextData,
  source: HistorySource = 'local',
): Promise<RecordRow | null> {
  const tx = ctx.db.transaction(RECORD_STORES, 'readwrite');
  try {
    const row = await writeChange(ctx, tx, collection, id, nextData, source);
    await tx.done;
    return row;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}

/**
 * Aborts a transaction after its work threw; the thrown error is what the caller reports. The
 * abort's own rejection of `tx.done` is expected, so it is observed here rather than left unhandled.
 */
export function abortQuietly(tx: WriteTx): void {
  tx.done.catch(() => undefined);
  try {
    tx.abort();
  } catch {
    // Already finished: nothing was written after the failure, so there is nothing to undo.
  }
}
