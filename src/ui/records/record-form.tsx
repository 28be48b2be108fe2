import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { CollectionName, RecordSummary } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { useAction, useBridge } from '../use-bridge';
import { ChangedUnderneath, useChangesUnderneath } from './changed-underneath';
import { COLLECTION_SPECS, type FieldSpec } from './fields';
import { fromForm, issuesByField, toForm } from './form-values';
import { ReferenceChecklist, ReferencePicker, useRecordsOf } from './reference-input';

function Input({
  field,
  value,
  error,
  onInput,
  picks,
}: {
  field: FieldSpec;
  value: string;
  error?: string;
  onInput(v: string): void;
  /** What reference fields pick from and text fields suggest. */
  picks: Picks;
}) {
  const [revealed, setRevealed] = useState(false);
  const id = `field-${field.name}`;
  const described = [field.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: field.name,
    value,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': described || undefined,
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement).value),
  };
  let control: JSX.Element;
  if (field.kind === 'reference') {
    control = (
      <ReferencePicker
        field={field}
        value={value}
        options={picks.records.of(field.ref as CollectionName)}
        common={common}
        onAdded={picks.records.reload}
      />
    );
  } else if (field.kind === 'references') {
    control = (
      <ReferenceChecklist
        field={field}
        value={value}
        options={picks.records.of(field.ref as CollectionName)}
        onInput={onInput}
      />
    );
  } else if (field.kind === 'textarea' || field.kind === 'list' || field.kind === 'json') {
    control = <textarea rows={field.kind === 'textarea' ? 4 : 3} {...common} />;
  } else if (field.kind === 'select') {
    control = (
      <select {...common}>
        {(field.options ?? []).map((o) => (
          <option key={o} value={o}>
            {o || '(not set)'}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'secret') {
    control = (
      <div class="row">
        {revealed ? (
          <input type="text" autoComplete="off" spellcheck={false} class="code grow" {...common} />
        ) : (
          <input type="password" autoComplete="off" class="grow" {...common} />
        )}
        <button
          type="button"
          aria-pressed={revealed}
          aria-label={`${revealed ? 'Hide' : 'Reveal'} ${field.label}`}
          onClick={() => setRevealed(!revealed)}
        >
          {revealed ? 'Hide' : 'Reveal'}
        </button>
      </div>
    );
  } else {
    control =
      field.kind === 'url' ? (
        <input type="url" inputMode="url" spellcheck={false} {...common} />
      ) : field.suggest ? (
        <>
          <input type="text" list={`${id}-options`} autoComplete="off" {...common} />
          <datalist id={`${id}-options`}>
            {picks.suggestions(field.name).map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </>
      ) : (
        <input type="text" {...common} />
      );
  }
  return (
    <div class="field">
      {field.kind === 'references' ? (
        <span class="label" id={`${id}-label`}>
          {field.label}
        </span>
      ) : (
        <label for={id}>{field.label}</label>
      )}
      {control}
      {field.hint && (
        <div id={`${id}-hint`} class="small muted">
          {field.hint}
        </div>
      )}
      {error && (
        <div id={`${id}-error`} class="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

interface Picks {
  records: ReturnType<typeof useRecordsOf>;
  /** Values other records of the collection give `field`. */
  suggestions(field: string): string[];
}

/** The collections a form of `collection` reads: those its references pick from, and itself. */
function pickedFrom(collection: CollectionName): CollectionName[] {
  const fields = COLLECTION_SPECS[collection].fields;
  const refs = fields.flatMap((f) => (f.ref ? [f.ref] : []));
  return [...new Set([...refs, ...(fields.some((f) => f.suggest) ? [collection] : [])])];
}

/**
 * Create or edit one record. The engine validates every save; its issues appear under the fields
 * they concern and nothing typed is lost on an error.
 */
export function RecordForm({
  collection,
  record,
  gone = false,
  onSaved,
  onCancel,
}: {
  collection: CollectionName;
  record: RecordSummary | null;
  /** The record was deleted (on another device) while open: Save brings it back. */
  gone?: boolean;
  onSaved(id: string): void;
  onCancel(): void;
}) {
  const bridge = useBridge();
  const spec = COLLECTION_SPECS[collection];
  const [form, setForm] = useState(() => toForm(collection, record?.value ?? null));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const underneath = useChangesUnderneath(collection, record?.value ?? null, form, setForm);
  const records = useRecordsOf(pickedFrom(collection));
  const picks: Picks = {
    records,
    suggestions: (field) => [
      ...new Set(
        records
          .of(collection)
          .map((r) => r.value[field])
          .filter((v): v is string => typeof v === 'string' && v !== ''),
      ),
    ],
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const parsed = fromForm(collection, form, record?.value ?? null);
    if (!parsed.ok) {
      setFieldErrors(parsed.issues);
      return;
    }
    setFieldErrors({});
    void action.run(async () => {
      try {
        const { id } = await bridge.call('records.save', {
          collection,
          ...(record ? (gone ? { newId: record.id } : { id: record.id }) : {}),
          value: parsed.value,
        });
        onSaved(id);
      } catch (err) {
        const issues = (err as { issues?: { path: string; message: string }[] }).issues ?? [];
        setFieldErrors(issuesByField(issues));
        throw err;
      }
    });
  };
  const formError = fieldErrors[''];
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="record-form-title" noValidate>
      <h2 id="record-form-title">{record ? `Edit ${spec.singular}` : `New ${spec.singular}`}</h2>
      {gone && record && (
        <div class="alert warn" role="status" data-testid="record-gone">
          This {spec.singular} was deleted on another device while you were editing it. Your typing
          is kept: Save brings it back on every device, Cancel lets it go.
        </div>
      )}
      <ChangedUnderneath
        collection={collection}
        changes={underneath}
        onUseTheirs={(field, text) => {
          underneath.settle(field);
          setForm({ ...form, [field]: text });
        }}
      />
      {spec.fields.map((field) => (
        <Input
          key={field.name}
          field={field}
          value={form[field.name] ?? ''}
          error={fieldErrors[field.name]}
          onInput={(v) => setForm({ ...form, [field.name]: v })}
          picks={picks}
        />
      ))}
      {formError && (
        <div class="field-error" role="alert">
          {formError}
        </div>
      )}
      <ErrorAlert error={action.error} />
      <div class="row">
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
