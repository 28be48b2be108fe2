import { useEffect, useState } from 'preact/hooks';
import type { FieldValue, ReplacedEdit } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { MaskedValue } from '../components/masked-value';
import { COLLECTION_SPECS, displayValue, fieldLabel } from '../records/fields';
import { useAction, useBridge } from '../use-bridge';

function Value({ value, secret, label }: { value: unknown; secret: boolean; label: string }) {
  const text = displayValue(value as FieldValue | undefined);
  return secret ? <MaskedValue value={text} label={label} /> : <span class="value">{text}</span>;
}

function headline(edit: ReplacedEdit): string {
  const noun = COLLECTION_SPECS[edit.collection].singular;
  const name = edit.title ? `“${edit.title}”` : `this ${noun}`;
  if (edit.kind === 'fields') return `A newer edit from another device replaced yours to ${name}`;
  return edit.mineDeleted
    ? `You deleted ${name}, but a newer edit from another device brought it back`
    : `A newer delete from another device removed ${name}, which you had edited`;
}

function Notice({
  edit,
  onAnswered,
  onChanged,
}: {
  edit: ReplacedEdit;
  onAnswered(): void;
  /** A newer notice of the record replaced this one: the list is read again. */
  onChanged(): void;
}) {
  const bridge = useBridge();
  const action = useAction();
  const answer = (answer: 'restore' | 'dismiss') =>
    void action.run(async () => {
      try {
        await bridge.call('replaced.answer', {
          collection: edit.collection,
          id: edit.id,
          answer,
          at: edit.at,
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'replaced_edit_changed') onChanged();
        throw error;
      }
      onAnswered();
    });
  const title = edit.title ?? edit.id;
  const shown = edit.fields.filter((f) => f.mine !== undefined || f.now !== undefined);
  return (
    <li class="alert warn stack" data-testid="replaced-edit" data-record={edit.id}>
      <p>{headline(edit)}.</p>
      {shown.length > 0 && (
        <table class="small">
          <caption class="sr-only">Your values and the values now, for {title}</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Yours</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((f) => {
              const label = fieldLabel(edit.collection, f.field);
              return (
                <tr key={f.field}>
                  <th scope="row">{label}</th>
                  <td data-side="mine">
                    <Value value={f.mine} secret={f.secret} label={`your ${label}`} />
                  </td>
                  <td data-side="now">
                    <Value value={f.now} secret={f.secret} label={`current ${label}`} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {!edit.restorable && (
        <p class="small muted">
          Your value is no longer kept on this device, so it cannot be restored.
        </p>
      )}
      <ErrorAlert error={action.error} />
      <div class="row">
        {edit.restorable && (
          <button
            type="button"
            class="primary"
            disabled={action.busy}
            onClick={() => answer('restore')}
          >
            Restore mine
          </button>
        )}
        <button type="button" disabled={action.busy} onClick={() => answer('dismiss')}>
          {edit.restorable ? 'Keep the newer one' : 'Dismiss'}
        </button>
      </div>
    </li>
  );
}

/**
 * Tells the person when "keep the most recent edit" replaced one of theirs: what they had, what
 * is there now (secrets masked until revealed), and a one-click way back that writes their value
 * as a new edit, which then wins on every device.
 */
export function ReplacedNotices({ count, version }: { count: number; version: number }) {
  const bridge = useBridge();
  const load = useAction();
  const [edits, setEdits] = useState<ReplacedEdit[]>([]);
  const [asked, setAsked] = useState(0);
  const [changed, setChanged] = useState(false);
  useEffect(() => {
    if (count === 0) {
      setEdits([]);
      return;
    }
    void load.run(async () => setEdits(await bridge.call('replaced.list')));
    // `version`: a newer loss of the same record replaces its notice without changing the count.
  }, [bridge, count, asked, version]);
  if (count === 0 && edits.length === 0) return null;
  return (
    <section class="stack" aria-labelledby="replaced-title" data-testid="replaced-notices">
      <h2 id="replaced-title" class="small">
        {edits.length === 1 ? 'An edit of yours was replaced' : 'Edits of yours were replaced'}
      </h2>
      <ErrorAlert error={load.error} />
      {changed && (
        <p class="small" role="status" data-testid="replaced-changed">
          A notice changed while it was open: another edit of yours to that record was replaced.
          Read it again before choosing.
        </p>
      )}
      <ul class="list stack">
        {edits.map((edit) => (
          <Notice
            key={`${edit.collection}/${edit.id}/${edit.at}`}
            edit={edit}
            onAnswered={() => {
              setChanged(false);
              setAsked((n) => n + 1);
            }}
            onChanged={() => {
              setChanged(true);
              setAsked((n) => n + 1);
            }}
          />
        ))}
      </ul>
    </section>
  );
}
