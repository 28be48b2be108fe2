/** The log of sync runs (when, what, how long, result), newest first, capped. */
import type { EngineDatabase } from './db/open';
import type { ActivityRow } from './db/schema';

const KEEP = 200;

export async function recordActivity(db: EngineDatabase, row: ActivityRow): Promise<void> {
  const tx = db.transaction('activity', 'readwrite');
  await tx.store.add(row);
  const keys = await tx.store.getAllKeys();
  for (const key of keys.slice(0, Math.max(0, keys.length - KEEP))) await tx.store.delete(key);
  await tx.done;
}

export async function listActivity(db: EngineDatabase, limit = 50): Promise<ActivityRow[]> {
  const rows = await db.getAll('activity');
  return rows.reverse().slice(0, limit);
}
