/** Create, update, delete and restore: validation, then one atomic local commit each. */
import type { CollectionName, RecordData, RecordInput } from '../collections';
import {
  assertCollection,
  assertRecordId,
  type Fields,
  naturalIdOf,
  validateRecord,
} from '../collections/validate';
import type { EngineContext } from '../context';
import type { RecordRow } from '../db/schema';
import { readRows } from '../db/sealed-rows';
import { InputError } from '../errors';
import { randomId } from '../ids';
import { commitLocalChange } from './commit-local';

function requireLive(
  collection: CollectionName,
  id: string,
  current: RecordRow | undefined,
): RecordRow & { data: Fields } {
  if (!current || current.data === null) {
    throw new InputError('record_not_found', `No ${collection} record with id ${id}`);
  }
  return current as RecordRow & { data: Fields };
}

export async function createRecord<C extends CollectionName>(
  ctx: EngineContext,
  collection: C,
  input: RecordInput<C>,
  requestedId?: string,
): Promise<{ id: string; data: RecordData<C> }> {
  assertCollection(collection);
  const id = naturalIdOf(collection, input) ?? requestedId ?? randomId();
  assertRecordId(id);
  const data = validateRecord(collection, id, input);
  await commitLocalChange(ctx, collection, id, (current) => {
    if (current?.data)
      throw new InputError('record_exists', `A ${collection} record with id ${id} already exists`);
    return data as Fields;
  });
  return { id, data };
}

/** Sets the given fields (a field given as undefined is removed) and validates the result. */
export async function updateRecord<C extends CollectionName>(
  ctx: EngineContext,
  collection: C,
  id: string,
  patch: Partial<RecordInput<C>>,
): Promise<RecordData<C>> {
  assertCollection(collection);
  assertRecordId(id);
  let result: RecordData<C> | undefined;
  await commitLocalChange(ctx, collection, id, (current) => {
    const live = requireLive(collection, id, current);
    const merged: Fields = { ...live.data, ...(patch as Fields) };
    for (const [field, value] of Object.entries(merged))
      if (value === undefined) delete merged[field];
    result = validateRecord(collection, id, merged);
    return result as Fields;
  });
  return result as RecordData<C>;
}

/**
 * Sets a live record to exactly this value (a field left out is removed): what a form's Save
 * means, in one commit, with no read before it.
 */
export async function replaceRecord<C extends CollectionName>(
  ctx: EngineContext,
  collection: C,
  id: string,
  input: RecordInput<C>,
): Promise<RecordData<C>> {
  assertCollection(collection);
  assertRecordId(id);
  const data = validateRecord(collection, id, input);
  await commitLocalChange(ctx, collection, id, (current) => {
    requireLive(collection, id, current);
    return data as Fields;
  });
  return data;
}

export async function deleteRecord(
  ctx: EngineContext,
  collection: CollectionName,
  id: string,
): Promise<void> {
  assertCollection(collection);
  assertRecordId(id);
  await commitLocalChange(ctx, collection, id, (current) => {
    requireLive(collection, id, current);
    return null;
  });
}

/** Brings back the value a history entry holds (a deleted one deletes), as a new local edit. */
export async function restoreRecord(
  ctx: EngineContext,
  collection: CollectionName,
  id: string,
  historySeq: number,
): Promise<void> {
  assertCollection(collection);
  assertRecordId(id);
  const entry = await readRows(ctx.db, 'history').get(historySeq);
  if (!entry || entry.collection !== collection || entry.id !== id) {
    throw new InputError(
      'revision_not_found',
      `No earlier revision ${historySeq} of ${collection} record ${id}`,
    );
  }
  const data = entry.data === null ? null : (validateRecord(collection, id, entry.data) as Fields);
  await commitLocalChange(ctx, collection, id, () => data, 'restore');
}
