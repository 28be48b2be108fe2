/**
 * Field-level three-way merge against the last-synced base. Fields changed on one side only
 * merge automatically; identical changes are not conflicts; a field changed on both sides to
 * different values is a true conflict, and so is an edit on one side against a delete on the other.
 */
import { maxHlc } from '../clock/hlc';
import type { Fields } from '../collections/validate';
import { jsonEqual } from './equal';
import { lastChange, type Version } from './version';

export type MergeOutcome =
  /** No true conflict: `data` (null: deleted) is the merged result. */
  | { kind: 'clean'; data: Fields | null; clocks: Record<string, string> }
  /**
   * Both sides changed `fields` to different values. `merged` holds every other field merged
   * and, for the conflicting fields, nothing: a strategy or a person picks them.
   */
  | { kind: 'fields'; fields: string[]; merged: Fields; clocks: Record<string, string> }
  /** One side deleted the record while the other edited it. */
  | { kind: 'delete'; deletedSide: 'local' | 'remote' };

/** Field by field, the later stamp of the two. */
export function laterClocks(
  a: Record<string, string>,
  b: Record<string, string>,
): Record<string, string> {
  const out = { ...b };
  for (const [field, stamp] of Object.entries(a)) out[field] = maxHlc(stamp, out[field] ?? stamp);
  return out;
}

function pickClock(version: Version, field: string): string {
  return version.clocks[field] ?? version.hlc;
}

function fieldsOf(...objects: Fields[]): string[] {
  const names = new Set<string>();
  for (const object of objects) for (const key of Object.keys(object)) names.add(key);
  return [...names].sort();
}

function mergeFields(
  base: Fields,
  local: Version & { data: Fields },
  remote: Version & { data: Fields },
): MergeOutcome {
  const merged: Fields = {};
  const clocks: Record<string, string> = {};
  const conflicts: string[] = [];
  for (const field of fieldsOf(base, local.data, remote.data)) {
    const b = base[field];
    const l = local.data[field];
    const r = remote.data[field];
    let value: unknown;
    let clock: string;
    if (jsonEqual(l, r)) {
      value = l;
      clock = maxHlc(pickClock(local, field), pickClock(remote, field));
    } else if (jsonEqual(l, b)) {
      value = r;
      clock = pickClock(remote, field);
    } else if (jsonEqual(r, b)) {
      value = l;
      clock = pickClock(local, field);
    } else {
      conflicts.push(field);
      continue;
    }
    if (value !== undefined) merged[field] = value;
    clocks[field] = clock;
  }
  if (conflicts.length > 0) return { kind: 'fields', fields: conflicts, merged, clocks };
  return { kind: 'clean', data: merged, clocks };
}

/**
 * @param base the data both sides started from (null: the record did not exist, or was a
 *   tombstone, when the local side last synced)
 * @param baseDeletedAt when the base was a tombstone: the stamp of that delete. A side that
 *   brought the record back (an edit that won over the delete) and a side that deleted it again
 *   after that both changed it, and a delete later than the base is news, not the old delete.
 */
export function threeWayMerge(
  base: Fields | null,
  local: Version,
  remote: Version,
  baseDeletedAt?: string,
): MergeOutcome {
  if (local.data === null && remote.data === null) {
    // Both deleted: the later of the two deletes is what a later edit must beat.
    return { kind: 'clean', data: null, clocks: laterClocks(local.clocks, remote.clocks) };
  }
  const deletedAgain = (side: Version) =>
    base === null && baseDeletedAt !== undefined && lastChange(side) > baseDeletedAt;
  if (local.data === null) {
    if (deletedAgain(local)) return { kind: 'delete', deletedSide: 'local' };
    // A delete of a record this device never synced says nothing about the remote one.
    if (base === null) return { kind: 'clean', data: remote.data, clocks: { ...remote.clocks } };
    if (jsonEqual(remote.data, base))
      return { kind: 'clean', data: null, clocks: { ...local.clocks } };
    return { kind: 'delete', deletedSide: 'local' };
  }
  if (remote.data === null) {
    if (deletedAgain(remote)) return { kind: 'delete', deletedSide: 'remote' };
    // A record created here meets a tombstone of something it never saw: the new record stays.
    if (base === null) return { kind: 'clean', data: local.data, clocks: { ...local.clocks } };
    if (jsonEqual(local.data, base))
      return { kind: 'clean', data: null, clocks: { ...remote.clocks } };
    return { kind: 'delete', deletedSide: 'remote' };
  }
  return mergeFields(base ?? {}, { ...local, data: local.data }, { ...remote, data: remote.data });
}
