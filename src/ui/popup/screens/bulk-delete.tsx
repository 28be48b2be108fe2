import { COLLECTIONS } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { COLLECTION_SPECS } from '../../records/fields';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

/** A sync would delete a large share of one side: it waits for the person to confirm. */
export function BulkDelete({ status }: ScreenProps) {
  const bridge = useBridge();
  const action = useAction();
  if (status.decision?.kind !== 'bulkDelete') return null;
  const { side, deletions, total, byCollection } = status.decision;
  const where = side === 'local' ? 'this device' : 'your account (and every other device)';
  return (
    <section class="stack" aria-labelledby="bulk-delete-title">
      <h1 id="bulk-delete-title">Delete {deletions} items?</h1>
      <div class="alert warn" role="alert">
        <p>
          This sync would delete <strong>{deletions}</strong> of {total} items from {where}. Sync is
          paused until you decide.
        </p>
      </div>
      <div>
        <h2>What would go</h2>
        <ul data-testid="bulk-delete-preview">
          {COLLECTIONS.filter((name) => byCollection[name]).map((name) => (
            <li key={name}>
              {byCollection[name]} {COLLECTION_SPECS[name].label.toLowerCase()}
            </li>
          ))}
        </ul>
      </div>
      <ErrorAlert error={action.error} />
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={action.busy}
          onClick={() =>
            void action.run(() => bridge.call('decision.bulkDelete', { side, answer: 'keep' }))
          }
        >
          Keep them
        </button>
        <button
          type="button"
          class="danger"
          disabled={action.busy}
          onClick={() =>
            void action.run(() => bridge.call('decision.bulkDelete', { side, answer: 'delete' }))
          }
        >
          Delete {deletions} items
        </button>
      </div>
    </section>
  );
}
