/**
 * The bulk-delete guard: a sync that would delete more than a configured share of either side's
 * records pauses and asks, naming which side would lose what.
 */
import type { CollectionName } from '../collections';
import type { EngineSettings } from '../settings';

export interface BulkDeleteDecision {
  kind: 'bulkDelete';
  /** `local`: this device would lose records deleted elsewhere; `remote`: the account would lose records deleted here. */
  side: 'local' | 'remote';
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
