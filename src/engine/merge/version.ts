import { maxHlc } from '../clock/hlc';
import type { Fields } from '../collections/validate';

/** One side of a merge: a record's data (null when deleted) with its clock stamps. */
export interface Version {
  data: Fields | null;
  /** HLC stamp of the write that produced this version. */
  hlc: string;
  /** HLC stamp of the last change of each field: last-write-wins compares these. */
  clocks: Record<string, string>;
}

/**
 * When the version's content last changed: its latest field stamp. Not `hlc`, which a merge or a
 * rotation renews: a version that merely merged older edits must not beat a delete made after them.
 */
export function lastChange(version: Pick<Version, 'hlc' | 'clocks'>): string {
  let latest = '';
  for (const stamp of Object.values(version.clocks)) latest = maxHlc(latest, stamp);
  return latest === '' ? version.hlc : latest;
}
