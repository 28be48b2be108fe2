import { useState } from 'preact/hooks';
import type { Decision, FirstJoinChoice } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { plural } from '../../format';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

const OPTIONS: { choice: FirstJoinChoice; title: string; text: string }[] = [
  {
    choice: 'merge',
    title: 'Merge both (recommended)',
    text: 'Keep everything from this device and the account; the same items are combined.',
  },
  {
    choice: 'useAccount',
    title: 'Use the account’s data',
    text: 'Replace this device’s settings with the ones already in your account.',
  },
  {
    choice: 'uploadLocal',
    title: 'Use this device’s data',
    text: 'Replace the account’s settings with the ones on this device.',
  },
];

type FirstJoin = Extract<Decision, { kind: 'firstJoin' }>;

/** What each choice would change, in the engine's own counts. */
function summarize(decision: FirstJoin, choice: FirstJoinChoice): string {
  if (choice === 'merge') {
    const m = decision.merge;
    return `${m.addedHere} added here · ${m.uploaded} uploaded · ${m.combined} combined`;
  }
  if (choice === 'useAccount') {
    const u = decision.useAccount;
    return `${u.addedHere} added · ${u.replacedHere} replaced · ${u.removedHere} removed here`;
  }
  const l = decision.uploadLocal;
  return `${l.uploaded} uploaded · ${l.replacedInAccount} replaced · ${l.removedFromAccount} removed in the account`;
}

/** This device already holds settings and the account does too: nothing is overwritten unasked. */
export function FirstJoin({ status }: ScreenProps) {
  const bridge = useBridge();
  const action = useAction();
  const [choice, setChoice] = useState<FirstJoinChoice>('merge');
  if (status.decision?.kind !== 'firstJoin') return null;
  const decision = status.decision;
  return (
    <section class="stack" aria-labelledby="first-join-title">
      <h1 id="first-join-title">Both sides have settings</h1>
      <p>
        This device holds {plural(decision.localRecords, 'item')}; your account holds{' '}
        {plural(decision.accountRecords, 'item')}. Choose how to combine them:
      </p>
      <fieldset class="plain stack">
        <legend class="sr-only">How to combine</legend>
        {OPTIONS.map((o) => (
          <label key={o.choice} class="card option">
            <input
              type="radio"
              name="first-join"
              checked={choice === o.choice}
              onChange={() => setChoice(o.choice)}
            />
            <span>
              <strong>{o.title}</strong>
              <br />
              <span class="small muted">{o.text}</span>
              <br />
              <span class="small" data-testid={`preview-${o.choice}`}>
                {summarize(decision, o.choice)}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <ErrorAlert error={action.error} />
      <button
        type="button"
        class="primary"
        disabled={action.busy}
        onClick={() => void action.run(() => bridge.call('decision.firstJoin', { choice }))}
      >
        Continue
      </button>
    </section>
  );
}
