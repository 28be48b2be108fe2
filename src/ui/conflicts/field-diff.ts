/**
 * What the UI adds to the engine's field diff (the contract's `Conflict`): each field's label, its
 * place in the collection's field order, and the side a field-by-field merge starts from.
 */
import type { Conflict, FieldDiff, FieldValue } from '../../host/contract';
import { COLLECTION_SPECS, fieldLabel } from '../records/fields';

export interface LabelledDiff extends FieldDiff {
  label: string;
  /** The side a field-by-field merge takes unless the person picks otherwise. */
  preferred: 'local' | 'remote';
}

/** The engine's differing fields, in the collection's field order, unknown ones after. */
export function labelledFields(conflict: Conflict): LabelledDiff[] {
  const spec = COLLECTION_SPECS[conflict.collection];
  const order = (field: string) => {
    const at = spec.fields.findIndex((f) => f.name === field);
    return at < 0 ? spec.fields.length : at;
  };
  return [...conflict.fields]
    .sort((a, b) => order(a.field) - order(b.field))
    .map((diff) => ({
      ...diff,
      label: fieldLabel(conflict.collection, diff.field),
      preferred: diff.changedRemotely && !diff.changedLocally ? 'remote' : 'local',
    }));
}

/** A field's value on one side, as the form and diff cells show it. */
export function sideValue(
  diff: FieldDiff,
  side: 'base' | 'local' | 'remote',
): FieldValue | undefined {
  return diff[side] as FieldValue | undefined;
}

/**
 * The record's name for lists and headings: from the diff when the name field differs, else the
 * record id (the engine lists only what differs).
 */
export function conflictTitle(conflict: Conflict): string {
  return conflict.title ?? conflict.id;
}

/** The conflict's key in routes and lists: collection and record id in one string. */
export function conflictKey(conflict: Pick<Conflict, 'collection' | 'id'>): string {
  return `${conflict.collection}:${conflict.id}`;
}
