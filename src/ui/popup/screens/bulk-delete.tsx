import { COLLECTIONS } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { COLLECTION_SPECS } from '../../records/fields';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

/** How the question reads: a large deletion, or records the server no longer has. */
function wording(side: 'local' | 'remote' | 'missing', deletions: number, total: number) {
  if (side === 'missing') {
    return {
      title: `The server no longer has ${deletions} ${deletions === 1 ? 'item' : 'items'}`,
      text: (
        <>
          The server no longer has <strong>{deletions}</strong> of the {total} items on this device.
          They are kept here until you decide: upload them again, or delete them. Sync is paused
          until you decide.
        </>
      ),
      list: 'What the server no longer has',
      keep: 'Upload them again',
    };
  }
  const where = side === 'local' ? 'this device' : 'your account (and every other device)';
  return {
    title: `Delete ${deletions} items?`,
    text: (
      <>
        This sync would delete <strong>{deletions}</strong> of {total} items from {where}. Sync is
        paused until you decide.
      </>
    ),
    list: 'What would go',
    keep: 'Keep them',
  };
}

/**
 * A sync would delete a large share of one side, or the server no longer lists records this
 * device holds: it waits for the person to decide.
 */
export function BulkDelete({ status }: ScreenProps) {
  const bridge = useBridge();
  const action = useAction();
  if (status.decision?.kind !== 'bulkDelete') return null;
  const { side, deletions, total, byCollection } = status.decision;
  const words = wording(side, deletions, total);
  return (
    <section class="stack" aria-labelledby="bulk-delete-title">
      <h1 id="bulk-delete-title">{words.title}</h1>
      <div class="alert warn" role="alert">
        <p>{words.text}</p>
      </div>
      <div>
        <h2>{words.list}</h2>
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
          {words.keep}
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
