/**
 * Binds local data to a (new) account. Bases from another account mean nothing there, so every
 * live record becomes an unsynced local record again (queued), tombstones and conflicts go, and
 * the cursor restarts; the first-join choice then decides how it meets the account's data.
 */
import type { CollectionName } from '../collections';
import type { EngineContext } from '../context';
import { rowStore } from '../db/sealed-rows';
import { RECORD_STORES } from '../db/tx';
import { randomId } from '../ids';
import { abortQuietly } from '../records/commit-local';
import { INITIAL_SYNC_META, readSyncMeta } from './sync-meta';

/** Returns true when the local data was re-bound (the account differs from the last one). */
export async function bindToAccount(ctx: EngineContext, accountId: string): Promise<boolean> {
  const meta = await readSyncMeta(ctx.db);
  if (meta.accountId === accountId) return false;
  const tx = ctx.db.transaction([...RECORD_STORES, 'quarantine'], 'readwrite');
  try {
    const records = rowStore(tx, 'records');
    const outbox = tx.objectStore('outbox');
    const now = ctx.clock.now();
    for (const row of await records.getAll()) {
      const key: [CollectionName, string] = [row.collection, row.id];
      if (row.data === null) {
        await records.delete(key);
        await outbox.delete(key);
        continue;
      }
      if (row.base !== null) await records.put({ ...row, base: null });
      const pending = await outbox.get(key);
      await outbox.put({
        collection: row.collection,
        id: row.id,
        opId: randomId(),
        queuedAt: pending?.queuedAt ?? now,
        held: false,
      });
    }
    await rowStore(tx, 'conflicts').clear();
    await tx.objectStore('quarantine').clear();
    await tx.objectStore('meta').put({ ...INITIAL_SYNC_META, accountId }, 'sync');
    // Manifests of another account say nothing about this one.
    await tx.objectStore('meta').delete('omission');
    await tx.done;
    return true;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}
