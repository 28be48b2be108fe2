import { useEffect, useState } from 'preact/hooks';
import type { CollectionName, RecordValue } from '../../host/contract';
import { MaskedValue } from '../components/masked-value';
import { COLLECTION_SPECS, displayValue, fieldLabel } from './fields';
import { type FormStrings, toForm } from './form-values';

export interface Underneath {
  /** Fields another device changed that the form now shows (the person had not touched them). */
  updated: string[];
  /** Fields another device changed that the person had typed over: theirs, as form text. */
  kept: { field: string; theirs: string }[];
  /** The person chose for `field` (took theirs, or kept typing): no longer in question. */
  settle(field: string): void;
}

/**
 * Keeps an open form honest when a sync changes its record underneath. A field is the person's
 * while its text differs from the value the form was last based on; every other field takes the
 * new value at once, so Save never writes a stale field over another device's edit. A field the
 * person typed over keeps their text, and the other value is offered beside it.
 */
export function useChangesUnderneath(
  collection: CollectionName,
  value: RecordValue | null,
  form: FormStrings,
  setForm: (form: FormStrings) => void,
): Underneath {
  const incoming = toForm(collection, value);
  const [basis, setBasis] = useState(incoming);
  const [updated, setUpdated] = useState<string[]>([]);
  const [kept, setKept] = useState<Underneath['kept']>([]);
  const signature = JSON.stringify(incoming);
  useEffect(() => {
    if (value === null) return;
    const changed = Object.keys(incoming).filter((field) => incoming[field] !== basis[field]);
    if (changed.length === 0) return;
    const next = { ...form };
    const nowUpdated: string[] = [];
    const nowKept: Underneath['kept'] = [];
    for (const field of changed) {
      const theirs = incoming[field] ?? '';
      if (form[field] === theirs) continue;
      if (form[field] === basis[field]) {
        next[field] = theirs;
        nowUpdated.push(field);
      } else {
        nowKept.push({ field, theirs });
      }
    }
    setBasis(incoming);
    if (nowUpdated.length > 0) setForm(next);
    setUpdated((before) => [...new Set([...before, ...nowUpdated])]);
    setKept((before) => [...before.filter((k) => !changed.includes(k.field)), ...nowKept]);
  }, [signature]);
  return {
    updated,
    kept,
    settle: (field) => setKept((before) => before.filter((k) => k.field !== field)),
  };
}

/** What changed underneath the open form, and a way to take the other device's value. */
export function ChangedUnderneath({
  collection,
  changes,
  onUseTheirs,
}: {
  collection: CollectionName;
  changes: Underneath;
  onUseTheirs(field: string, text: string): void;
}) {
  if (changes.updated.length === 0 && changes.kept.length === 0) return null;
  const specs = COLLECTION_SPECS[collection].fields;
  const label = (field: string) => fieldLabel(collection, field);
  const secret = (field: string) => specs.some((f) => f.name === field && f.kind === 'secret');
  return (
    <div class="alert warn stack" role="status" data-testid="changed-underneath">
      <p>
        This {COLLECTION_SPECS[collection].singular} changed on another device while you were
        editing it.
      </p>
      {changes.updated.length > 0 && (
        <p class="small">
          Now showing the new {changes.updated.map(label).join(', ')}: you had not changed{' '}
          {changes.updated.length === 1 ? 'it' : 'them'}.
        </p>
      )}
      {changes.kept.map(({ field, theirs }) => (
        <div key={field} class="stack small" data-testid="kept-field" data-field={field}>
          <p>
            {label(field)}: your typing is kept. The other device saved{' '}
            {secret(field) ? (
              <MaskedValue value={displayValue(theirs)} label={`the other ${label(field)}`} />
            ) : (
              <span class="value">{displayValue(theirs)}</span>
            )}
          </p>
          <div class="row">
            <button type="button" onClick={() => onUseTheirs(field, theirs)}>
              Use theirs
            </button>
            <button type="button" onClick={() => changes.settle(field)}>
              Keep mine
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
