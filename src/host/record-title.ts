/**
 * What a record is called in lists, pickers and diffs: its title field, else its id. Shared by the
 * pages and the worker's record index (./record-index.ts), so both name a record alike.
 */
import type { CollectionName, RecordValue } from './contract';

/** The field each collection's records are named by (null: the id names them). */
export const TITLE_FIELDS: Record<CollectionName, string | null> = {
  profiles: 'name',
  providers: 'name',
  groups: 'name',
  assignments: 'app',
  settings: null,
};

export function recordTitle(collection: CollectionName, value: RecordValue | null, id: string) {
  const field = TITLE_FIELDS[collection];
  const title = field ? value?.[field] : undefined;
  return typeof title === 'string' && title ? title : id;
}
