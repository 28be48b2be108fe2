/** A stored conflict as a UI shows it: base, this device and the other, field by field. */
import { type CollectionName, titleFieldOf } from '../collections';
import type { EngineDatabase } from '../db/open';
import type { ConflictRow } from '../db/schema';
import { readRows } from '../db/sealed-rows';
import { isSecretField, maskValue } from '../mask';
import { jsonEqual } from '../merge/equal';

export interface FieldDiff {
  field: string;
  base: unknown;
  local: unknown;
  remote: unknown;
  changedLocally: boolean;
  changedRemotely: boolean;
  /** Changed on both sides to different values: a resolution must pick a side. */
  conflict: boolean;
  /** Secret values are masked unless revealed. */
  secret: boolean;
}

export interface ConflictView {
  collection: CollectionName;
  id: string;
  /**
   * What names the record to a person (a profile's name), from whichever side still has it; null
   * when the collection has no such field. Computed here because the diff below holds only the
   * fields that changed, and the name usually did not.
   */
  title: string | null;
  /** `delete`: one side deleted the record while the other edited it. */
  kind: 'fields' | 'delete';
  deletedSide: 'local' | 'remote' | null;
  fields: FieldDiff[];
  localDevice: string;
  remoteDevice: string;
  detectedAt: number;
}

export function conflictView(row: ConflictRow, reveal = false): ConflictView {
  const base = row.base ?? {};
  const local = row.local.data ?? {};
  const remote = row.remote.data ?? {};
  const names = [
    ...new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(remote)]),
  ].sort();
  const show = (field: string, value: unknown) =>
    reveal ? value : maskValue(row.collection, field, value);
  const fields = names
    .map((field): FieldDiff => {
      const changedLocally = !jsonEqual(local[field], base[field]);
      const changedRemotely = !jsonEqual(remote[field], base[field]);
      return {
        field,
        base: show(field, base[field]),
        local: show(field, local[field]),
        remote: show(field, remote[field]),
        changedLocally,
        changedRemotely,
        conflict:
          row.kind === 'fields' &&
          changedLocally &&
          changedRemotely &&
          !jsonEqual(local[field], remote[field]),
        secret: isSecretField(row.collection, field),
      };
    })
    .filter((diff) => diff.changedLocally || diff.changedRemotely || row.kind === 'delete');
  const titleField = titleFieldOf(row.collection);
  const title =
    titleField === null
      ? null
      : ([local, remote, base]
          .map((side) => side[titleField])
          .find((value): value is string => typeof value === 'string' && value !== '') ?? null);
  return {
    collection: row.collection,
    id: row.id,
    title,
    kind: row.kind,
    deletedSide: row.deletedSide,
    fields,
    localDevice: row.local.device,
    remoteDevice: row.remote.device,
    detectedAt: row.detectedAt,
  };
}

/** Every stored conflict, as views. */
export async function listConflicts(db: EngineDatabase, reveal = false): Promise<ConflictView[]> {
  return (await readRows(db, 'conflicts').getAll()).map((row) => conflictView(row, reveal));
}
