import type { CollectionName, Conflict, FieldValue } from '../bridge';
import { COLLECTION_SPECS, isSecret } from '../records/fields';

export interface FieldDiff {
  field: string;
  label: string;
  secret: boolean;
  base: FieldValue | undefined;
  local: FieldValue | undefined;
  remote: FieldValue | undefined;
  localChanged: boolean;
  remoteChanged: boolean;
  /** Changed on both sides to different values: only the person can decide. */
  conflicted: boolean;
  /** The side a field-by-field merge takes unless the person picks otherwise. */
  preferred: 'local' | 'remote';
}

function same(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Field by field comparison of a conflict's three versions, in the collection's field order. */
export function diffFields(conflict: Conflict): FieldDiff[] {
  const spec = COLLECTION_SPECS[conflict.collection as CollectionName];
  const names = new Set(spec.fields.map((f) => f.name));
  for (const side of [conflict.base, conflict.local, conflict.remote]) {
    for (const key of Object.keys(side ?? {})) names.add(key);
  }
  return [...names].map((field) => {
    const base = conflict.base?.[field];
    const local = conflict.local?.[field];
    const remote = conflict.remote?.[field];
    const localChanged = !same(base, local);
    const remoteChanged = !same(base, remote);
    return {
      field,
      label: spec.fields.find((f) => f.name === field)?.label ?? field,
      secret: isSecret(conflict.collection, field),
      base,
      local,
      remote,
      localChanged,
      remoteChanged,
      conflicted: localChanged && remoteChanged && !same(local, remote),
      preferred: remoteChanged && !localChanged ? 'remote' : 'local',
    };
  });
}
