/**
 * Records a full resync did not find on the server. Any server may answer `410 cursor_expired`
 * and then leave records out of the listing, so absence is never taken as a deletion: only a
 * sealed tombstone deletes. The records stay as they are and the person is asked, whatever their
 * number, whether to upload them again or delete them (here and on the server).
 */
import type { CollectionName } from '../collections';
import type { EngineContext } from '../context';
import type { MissingRecord } from '../db/schema';
import { rowStore } from '../db/sealed-rows';
import { RECORD_STORES } from '../db/tx';
import { randomId } from '../ids';
import { abortQuietly, commitLocalChange } from '../records/commit-local';
import {
  type BulkDeleteAnswer,
  type BulkDeleteDecision,
  countByCollection,
  liveCount,
} from './bulk-delete';
import { readSyncMeta, updateSyncMeta } from './sync-meta';

const keyOf = (collection: CollectionName, id: string) => `${collection}/${id}`;

/**
 * After a listing from zero: notes the synced live records it did not contain. One with a pending
 * edit is left to its push (a compare-and-set the server answers, creating it anew if it truly
 * has no such record); a tombstone held here loses nothing by staying.
 */
export async function noteMissing(ctx: EngineContext, seen: Set<string>): Promise<void> {
  const tx = ctx.db.transaction(['records', 'outbox', 'meta'], 'readwrite');
  try {
    const pending = new Set(
      (await tx.objectStore('outbox').getAllKeys()).map(([collection, id]) =>
        keyOf(collection, id),
      ),
    );
    const missing: MissingRecord[] = [];
    for (const row of await rowStore(tx, 'records').getAll()) {
      const key = keyOf(row.collection, row.id);
      if (!row.base || row.data === null || seen.has(key) || pending.has(key)) continue;
      if (!ctx.settings.collections[row.collection]) continue;
      missing.push({ collection: row.collection, id: row.id, rev: row.base.rev });
    }
    if (missing.length > 0) {
      ctx.log({ level: 'warn', event: 'resync_missing', count: missing.length });
    }
    await updateSyncMeta(tx, { fullResync: false, missing });
    await tx.done;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}

/**
 * The noted records still exactly as the server last acknowledged them: one edited since, or
 * that a later pull brought again (the server has it after all), is no longer in question.
 */
async function stillMissing(ctx: EngineContext): Promise<MissingRecord[]> {
  const noted = (await readSyncMeta(ctx.db)).missing ?? [];
  if (noted.length === 0) return [];
  const tx = ctx.db.transaction(['records', 'outbox']);
  const out: MissingRecord[] = [];
  for (const entry of noted) {
    const key: [CollectionName, string] = [entry.collection, entry.id];
    const [row, pending] = await Promise.all([
      rowStore(tx, 'records').get(key),
      tx.objectStore('outbox').get(key),
    ]);
    if (row?.data && row.base?.rev === entry.rev && !pending) out.push(entry);
  }
  return out;
}

/** The question to ask, or null when no record is in question any more (the note is cleared). */
export async function missingDecision(ctx: EngineContext): Promise<BulkDeleteDecision | null> {
  const missing = await stillMissing(ctx);
  if (missing.length === 0) {
    if ((await readSyncMeta(ctx.db)).missing?.length) await clearNote(ctx);
    return null;
  }
  return {
    kind: 'bulkDelete',
    side: 'missing',
    deletions: missing.length,
    total: await liveCount(ctx),
    byCollection: countByCollection(missing.map((entry) => entry.collection)),
  };
}

async function clearNote(ctx: EngineContext): Promise<void> {
  const tx = ctx.db.transaction('meta', 'readwrite');
  await updateSyncMeta(tx, { missing: [] });
  await tx.done;
}

/**
 * Carries out the answer. `keep`: each record is queued as a create (base null), so the server
 * holds it again. `delete`: each is deleted as a local edit (its value kept in history) and the
 * delete is sent over the revision this device holds.
 */
export async function answerMissing(ctx: EngineContext, answer: BulkDeleteAnswer): Promise<void> {
  const missing = await stillMissing(ctx);
  if (answer === 'delete') {
    for (const { collection, id } of missing) {
      await commitLocalChange(ctx, collection, id, () => null);
    }
    await clearNote(ctx);
    return;
  }
  const tx = ctx.db.transaction(RECORD_STORES, 'readwrite');
  try {
    for (const { collection, id } of missing) {
      const row = await rowStore(tx, 'records').get([collection, id]);
      if (!row) continue;
      await rowStore(tx, 'records').put({ ...row, base: null });
      await tx.objectStore('outbox').put({
        collection,
        id,
        opId: randomId(),
        queuedAt: ctx.clock.now(),
        held: false,
      });
    }
    await updateSyncMeta(tx, { missing: [] });
    await tx.done;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}
