import { useEffect, useState } from 'preact/hooks';
import type { CollectionName, RecordSummary } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { useAction, useBridge } from '../use-bridge';
import { KNOWN_BASE } from './copy-as';
import { type FieldSpec, recordTitle } from './fields';

/**
 * The records a form picks from, by collection: loaded again after one is added here, and when
 * `changed` does (the counts of a status, say).
 */
export function useRecordsOf(
  collections: CollectionName[],
  changed: unknown = null,
): {
  of(collection: CollectionName): RecordSummary[];
  reload(): void;
} {
  const bridge = useBridge();
  const [loaded, setLoaded] = useState<Partial<Record<CollectionName, RecordSummary[]>>>({});
  const [round, setRound] = useState(0);
  const key = collections.join(',');
  useEffect(() => {
    let live = true;
    void Promise.all(
      collections.map(async (c) => [c, await bridge.call('records.list', { collection: c })]),
    ).then(
      (pairs) => live && setLoaded(Object.fromEntries(pairs)),
      // Only suggestions are missing: the field still takes what is typed.
      (error: unknown) => console.warn('Satchel: could not load records to pick from', error),
    );
    return () => {
      live = false;
    };
  }, [bridge, key, round, JSON.stringify(changed)]);
  return { of: (c) => loaded[c] ?? [], reload: () => setRound((n) => n + 1) };
}

interface PickerProps {
  field: FieldSpec;
  value: string;
  /** The records of `field.ref`. */
  options: RecordSummary[];
  /** The input's id, name, value, aria and onInput, as every field's control gets them. */
  common: Record<string, unknown>;
  /** A record was added from here: the options need loading again. */
  onAdded(): void;
}

/** One record of `field.ref`, by name: a list, or (with `create`) a combobox that can add one. */
export function ReferencePicker({ field, value, options, common, onAdded }: PickerProps) {
  const ref = field.ref as CollectionName;
  const known = options.find((o) => o.id === value);
  if (!field.create) {
    return (
      <select {...common}>
        <option value="">(choose)</option>
        {value && !known && <option value={value}>{value} (not on this device)</option>}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {recordTitle(ref, o.value, o.id)}
          </option>
        ))}
      </select>
    );
  }
  const listId = `${String(common.id)}-options`;
  return (
    <div class="stack">
      <input type="text" list={listId} autoComplete="off" spellcheck={false} {...common} />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {recordTitle(ref, o.value, o.id)}
          </option>
        ))}
      </datalist>
      {known ? (
        <p class="small muted" data-testid={`${field.name}-known`}>
          {recordTitle(ref, known.value, known.id)}
          {typeof known.value.baseUrl === 'string' && ` · ${known.value.baseUrl}`}
        </p>
      ) : (
        value.trim() && <AddReference id={value.trim()} ref={ref} onAdded={onAdded} />
      )}
      {!value && options.length === 0 && (
        <p class="small muted">Type a provider id such as openai, or add providers first.</p>
      )}
    </div>
  );
}

/** "Not in Providers yet": adds it under the typed id with a base URL (known ones prefilled). */
function AddReference({ id, ref, onAdded }: { id: string; ref: CollectionName; onAdded(): void }) {
  const bridge = useBridge();
  const action = useAction();
  const [open, setOpen] = useState(false);
  const [baseUrl, setBaseUrl] = useState(KNOWN_BASE[id.toLowerCase()] ?? '');
  if (!open) {
    return (
      <p class="small">
        “{id}” is not in Providers yet.{' '}
        <button type="button" class="link" onClick={() => setOpen(true)}>
          Add it
        </button>
      </p>
    );
  }
  return (
    <div class="card stack small" data-testid="add-reference">
      <label for="add-reference-url">Base URL of {id}</label>
      <input
        id="add-reference-url"
        type="url"
        inputMode="url"
        value={baseUrl}
        onInput={(e) => setBaseUrl(e.currentTarget.value)}
      />
      <ErrorAlert error={action.error} />
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              await bridge.call('records.save', {
                collection: ref,
                newId: id,
                value: {
                  name: id,
                  baseUrl: baseUrl.trim(),
                  models: [],
                  authHeader: 'Authorization',
                },
              });
              setOpen(false);
              onAdded();
            })
          }
        >
          Add to Providers
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Several records of `field.ref`, ticked (a group's profiles); the form keeps one id a line. */
export function ReferenceChecklist({
  field,
  value,
  options,
  onInput,
}: Omit<PickerProps, 'common' | 'onAdded'> & { onInput(v: string): void }) {
  const ref = field.ref as CollectionName;
  const picked = value.split('\n').filter(Boolean);
  const missing = picked.filter((id) => !options.some((o) => o.id === id));
  const toggle = (id: string, on: boolean) =>
    onInput((on ? [...picked, id] : picked.filter((p) => p !== id)).join('\n'));
  return (
    <fieldset class="plain stack" id={`field-${field.name}`}>
      <legend class="sr-only">{field.label}</legend>
      {options.length === 0 && <p class="small muted">No profiles yet.</p>}
      {[
        ...options.map((o) => ({ id: o.id, label: recordTitle(ref, o.value, o.id) })),
        ...missing.map((id) => ({ id, label: `${id} (not on this device)` })),
      ].map(({ id, label }) => (
        <label key={id} class="row">
          <input
            type="checkbox"
            checked={picked.includes(id)}
            onChange={(e) => toggle(id, e.currentTarget.checked)}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
