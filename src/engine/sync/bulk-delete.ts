/**
 * The bulk-delete guard: a sync that would delete more than a configured share of either side's
 * records pauses and asks, naming which side would lose what. The same question is asked, whatever
 * the number, about records a full resync no longer found on the server (`side: 'missing'`).
 */
import type { CollectionName } from '../collections';
import type { EngineContext } from '../context';
import { countLive } from '../records/read';
import type { EngineSettings } from '../settings';

export interface BulkDeleteDecision {
  kind: 'bulkDelete';
  /**
   * `local`: this device would lose records deleted elsewhere; `remote`: the account would lose
   * records deleted here; `missing`: the server no longer lists records this device holds (keep
   * uploads them again, delete deletes them here and on the server).
   */
  side: 'local' | 'remote' | 'missing';
  deletions: number;
  /** Records that side holds now (in collections that sync). */
  total: number;
  byCollection: Partial<Record<CollectionName, number>>;
}

export type BulkDeleteAnswer = 'delete' | 'keep';

export function exceedsBulkDeleteGuard(
  deletions: number,
  total: number,
  settings: EngineSettings,
): boolean {
  return deletions >= settings.bulkDeleteMinimum && deletions > settings.bulkDeleteShare * total;
}

export function countByCollection(
  collections: CollectionName[],
): Partial<Record<CollectionName, number>> {
  const counts: Partial<Record<CollectionName, number>> = {};
  for (const name of collections) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Live records on this device in the collections that sync. */
export async function liveCount(ctx: EngineContext): Promise<number> {
  const counts = await countLive(ctx.db);
  let total = 0;
  for (const [name, on] of Object.entries(ctx.settings.collections)) {
    if (on) total += counts[name as CollectionName] ?? 0;
  }
  return total;
}
