import { useEffect, useState } from 'preact/hooks';
import type { CollectionName, Revision } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { timeAgo } from '../../format';
import { displayValue, fieldLabel, isSecret, MASK } from '../../records/fields';
import { useAction, useBridge } from '../../use-bridge';

/** A record's earlier versions, each restorable (restoring is a new edit that syncs). */
export function RecordHistory({
  collection,
  id,
  onRestored,
}: {
  collection: CollectionName;
  id: string;
  /** The record changed under the edit form: it must show the restored value. */
  onRestored(): void;
}) {
  const bridge = useBridge();
  const [revisions, setRevisions] = useState<Revision[] | null>(null);
  const action = useAction();
  const [restored, setRestored] = useState<string | null>(null);
  useEffect(() => {
    void action.run(async () =>
      setRevisions(await bridge.call('history.list', { collection, id })),
    );
  }, [bridge, collection, id, restored]);
  return (
    <section class="card stack" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ErrorAlert error={action.error} />
      {restored && (
        <p class="alert ok" role="status">
          Restored the version from {restored}.
        </p>
      )}
      {revisions?.length === 0 && <p class="muted">No earlier versions are kept yet.</p>}
      <ul class="list">
        {revisions?.map((rev) => (
          <li key={rev.id} class="row spread">
            <span class="small">
              <strong>{timeAgo(rev.at)}</strong> ·{' '}
              {rev.source === 'local' ? 'written on this device' : 'from another device'}
              <br />
              <span class="muted">
                {rev.value === null
                  ? 'deleted'
                  : Object.entries(rev.value)
                      .map(
                        ([k, v]) =>
                          `${fieldLabel(collection, k)}: ${isSecret(collection, k) ? MASK : displayValue(v)}`,
                      )
                      .join(' · ')}
              </span>
            </span>
            <button
              type="button"
              disabled={action.busy}
              onClick={() =>
                void action.run(async () => {
                  await bridge.call('history.restore', { collection, id, revisionId: rev.id });
                  setRestored(timeAgo(rev.at));
                  onRestored();
                })
              }
            >
              Restore
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
