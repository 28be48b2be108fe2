/**
 * A person's answer to a stored conflict: keep this device's version, keep the other device's,
 * or pick field by field. The result is written like a local edit (one transaction, queued).
 */
import type { CollectionName } from '../collections';
import {
  assertCollection,
  assertRecordId,
  type Fields,
  validateRecord,
} from '../collections/validate';
import type { EngineContext } from '../context';
import type { ConflictRow, RecordRow } from '../db/schema';
import { rowStore } from '../db/sealed-rows';
import { RECORD_STORES, type WriteTx } from '../db/tx';
import { InputError } from '../errors';
import { randomId } from '../ids';
import { jsonEqual } from '../merge/equal';
import { threeWayMerge } from '../merge/three-way';
import { abortQuietly } from '../records/commit-local';
import { appendHistory } from '../records/history';

export type Resolution =
  | { keep: 'local' }
  | { keep: 'remote' }
  /** For each field changed on both sides, which side's value to keep; other fields merge. */
  | { keep: 'merge'; fields: Record<string, 'local' | 'remote'> };

function mergedData(conflict: ConflictRow, picks: Record<string, 'local' | 'remote'>): Fields {
  if (conflict.kind === 'delete') {
    throw new InputError(
      'invalid_resolution',
      'One side deleted this record: keep this device or the other, not a field merge',
    );
  }
  const outcome = threeWayMerge(
    conflict.base,
    conflict.local,
    conflict.remote,
    conflict.baseDeletedAt,
  );
  const data: Fields =
    outcome.kind === 'clean'
      ? { ...(outcome.data ?? {}) }
      : outcome.kind === 'fields'
        ? { ...outcome.merged }
        : {};
  const needed = outcome.kind === 'fields' ? outcome.fields : [];
  const missing = needed.filter((field) => !(field in picks));
  if (missing.length > 0) {
    throw new InputError(
      'invalid_resolution',
      `Choose a side for every conflicting field: ${missing.join(', ')}`,
    );
  }
  const known = new Set([
    ...Object.keys(conflict.base ?? {}),
    ...Object.keys(conflict.local.data ?? {}),
    ...Object.keys(conflict.remote.data ?? {}),
  ]);
  for (const [field, side] of Object.entries(picks)) {
    if (!known.has(field))
      throw new InputError('invalid_resolution', `This record has no field ${field}`);
    if (side !== 'local' && side !== 'remote')
      throw new InputError('invalid_resolution', `Pick local or remote for ${field}`);
    const value = (side === 'local' ? conflict.local.data : conflict.remote.data)?.[field];
    if (value === undefined) delete data[field];
    else data[field] = value;
  }
  return data;
}

async function write(
  ctx: EngineContext,
  tx: WriteTx,
  row: RecordRow,
  conflict: ConflictRow,
  resolution: Resolution,
): Promise<void> {
  const key: [CollectionName, string] = [row.collection, row.id];
  const now = ctx.clock.now();
  await appendHistory(tx, row, 'resolve', now, ctx.historyDepth);
  await rowStore(tx, 'conflicts').delete(key);
  const outbox = tx.objectStore('outbox');
  const pending = await outbox.get(key);
  if (resolution.keep === 'remote') {
    const remote = conflict.remote;
    await rowStore(tx, 'records').put({
      ...row,
      live: remote.data ? 1 : 0,
      data: remote.data,
      hlc: remote.hlc,
      device: remote.device,
      clocks: { ...remote.clocks },
      updatedAt: now,
    });
    await outbox.delete(key);
    return;
  }
  const data =
    resolution.keep === 'local'
      ? row.data
      : (validateRecord(row.collection, row.id, mergedData(conflict, resolution.fields)) as Fields);
  // The decision is a new write: stamp what differs from the other side so it wins from now on.
  const stamp = ctx.hlc.tick();
  const clocks = { ...row.clocks };
  const remoteData = conflict.remote.data ?? {};
  for (const field of new Set([...Object.keys(data ?? {}), ...Object.keys(remoteData)])) {
    if (!jsonEqual(data?.[field], remoteData[field])) clocks[field] = stamp;
  }
  await rowStore(tx, 'records').put({
    ...row,
    live: data ? 1 : 0,
    data,
    hlc: stamp,
    device: ctx.deviceId,
    clocks,
    updatedAt: now,
  });
  await tx.objectStore('meta').put(ctx.hlc.value, 'clock');
  if (row.base?.rev === conflict.remote.rev && jsonEqual(data, conflict.remote.data)) {
    await outbox.delete(key);
  } else {
    await outbox.put({
      collection: row.collection,
      id: row.id,
      opId: randomId(),
      queuedAt: pending?.queuedAt ?? now,
      held: false,
    });
  }
}

export async function resolveConflict(
  ctx: EngineContext,
  collection: CollectionName,
  id: string,
  resolution: Resolution,
): Promise<void> {
  assertCollection(collection);
  assertRecordId(id);
  if (
    !resolution ||
    !['local', 'remote', 'merge'].includes((resolution as { keep?: string }).keep ?? '')
  ) {
    throw new InputError(
      'invalid_resolution',
      'A resolution keeps local, remote, or merges field by field',
    );
  }
  const tx = ctx.db.transaction(RECORD_STORES, 'readwrite');
  try {
    const key: [CollectionName, string] = [collection, id];
    const conflict = await rowStore(tx, 'conflicts').get(key);
    const row = await rowStore(tx, 'records').get(key);
    if (!conflict || !row)
      throw new InputError('conflict_not_found', `No conflict on ${collection} record ${id}`);
    await write(ctx, tx, row, conflict, resolution);
    await tx.done;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}
