import { useState } from 'preact/hooks';
import type { Conflict, FieldValue, Resolution } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { MaskedValue } from '../components/masked-value';
import { displayValue } from '../records/fields';
import { useAction } from '../use-bridge';
import { conflictTitle, type LabelledDiff, labelledFields, sideValue } from './field-diff';

function Cell({
  diff,
  value,
  changed,
  deleted,
}: {
  diff: LabelledDiff;
  value: FieldValue | undefined;
  changed: boolean;
  deleted: boolean;
}) {
  const text = deleted ? 'deleted' : displayValue(value);
  return (
    <td class={changed ? 'changed' : undefined} data-changed={changed ? 'true' : 'false'}>
      {diff.secret && !deleted ? (
        <MaskedValue value={text} label={diff.label} />
      ) : (
        <span class="value">{text}</span>
      )}
      {changed && <span class="sr-only"> (changed)</span>}
    </td>
  );
}

/**
 * One conflict: base, this device and the other device side by side, field by field. Changed
 * cells are highlighted, secrets masked until revealed, and each differing field can be picked
 * from either side for a merge.
 */
export function DiffView({
  conflict,
  onResolve,
}: {
  conflict: Conflict;
  onResolve(resolution: Resolution): Promise<unknown>;
}) {
  // Fields empty on all three sides say nothing: leave them out of the table.
  const diffs = labelledFields(conflict).filter(
    (d) => d.base !== undefined || d.local !== undefined || d.remote !== undefined,
  );
  const differing = diffs.filter((d) => d.changedLocally || d.changedRemotely);
  const [picks, setPicks] = useState<Record<string, 'local' | 'remote'>>(() =>
    Object.fromEntries(differing.map((d) => [d.field, d.preferred])),
  );
  const action = useAction();
  const title = conflictTitle(conflict);
  const deletedHere = conflict.deletedSide === 'local';
  const deletedThere = conflict.deletedSide === 'remote';
  const canMerge = conflict.kind === 'fields' && differing.length > 0;
  return (
    <div class="stack">
      <h2>
        {title} <span class="small muted">({conflict.collection})</span>
      </h2>
      <table class="diff" aria-label={`Differences for ${title}`}>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">This device</th>
            <th scope="col">Other device</th>
          </tr>
        </thead>
        <tbody>
          {diffs.map((d) => (
            <tr key={d.field} class={d.conflict ? 'conflicted' : undefined} data-field={d.field}>
              <th scope="row">
                {d.label}
                {d.conflict && <span class="small"> ⚠ both changed</span>}
              </th>
              <Cell diff={d} value={sideValue(d, 'base')} changed={false} deleted={false} />
              <Cell
                diff={d}
                value={sideValue(d, 'local')}
                changed={d.changedLocally}
                deleted={deletedHere}
              />
              <Cell
                diff={d}
                value={sideValue(d, 'remote')}
                changed={d.changedRemotely}
                deleted={deletedThere}
              />
            </tr>
          ))}
        </tbody>
      </table>
      {canMerge && (
        <details>
          <summary>Merge field by field</summary>
          <fieldset class="plain stack">
            <legend class="sr-only">Pick each field</legend>
            {differing.map((d) => (
              <div key={d.field} class="row" role="radiogroup" aria-label={d.label}>
                <strong>{d.label}:</strong>
                {(['local', 'remote'] as const).map((side) => (
                  <label key={side} class="row plain">
                    <input
                      type="radio"
                      name={`pick-${d.field}`}
                      checked={picks[d.field] === side}
                      onChange={() => setPicks({ ...picks, [d.field]: side })}
                    />
                    {side === 'local' ? 'this device' : 'other device'}
                  </label>
                ))}
              </div>
            ))}
            <button
              type="button"
              disabled={action.busy}
              onClick={() => void action.run(() => onResolve({ keep: 'merge', fields: picks }))}
            >
              Save merged version
            </button>
          </fieldset>
        </details>
      )}
      <ErrorAlert error={action.error} />
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={action.busy}
          onClick={() => void action.run(() => onResolve({ keep: 'local' }))}
        >
          Keep this device’s
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() => void action.run(() => onResolve({ keep: 'remote' }))}
        >
          Keep the other device’s
        </button>
      </div>
    </div>
  );
}
