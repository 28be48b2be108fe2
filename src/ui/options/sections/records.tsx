import { useEffect, useState } from 'preact/hooks';
import type { CollectionName, RecordSummary } from '../../../host/contract';
import { COLLECTIONS } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { COLLECTION_SPECS, recordTitle } from '../../records/fields';
import { RecordForm } from '../../records/record-form';
import { useAction, useBridge } from '../../use-bridge';
import type { SectionProps } from '../section';
import { RecordHistory } from './record-history';

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; id: string };

/** Browse, search, create, edit and delete records of every collection, online or not. */
export function Records({ status }: SectionProps) {
  const bridge = useBridge();
  const [collection, setCollection] = useState<CollectionName>('profiles');
  const [query, setQuery] = useState('');
  const [records, setRecords] = useState<RecordSummary[]>([]);
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const [showHistory, setShowHistory] = useState(false);
  /** Counts restores, so the edit form is rebuilt from the restored value. */
  const [restores, setRestores] = useState(0);
  const load = useAction();
  const remove = useAction();
  // Any status change may mean a sync brought new data: reload what is shown.
  useEffect(() => {
    void load.run(async () => setRecords(await bridge.call('records.list', { collection, query })));
  }, [bridge, collection, query, status]);
  const spec = COLLECTION_SPECS[collection];
  const selected = editing.kind === 'edit' ? records.find((r) => r.id === editing.id) : undefined;
  return (
    <section aria-labelledby="records-title">
      <h1 id="records-title">Settings data</h1>
      <div class="tabs" role="tablist" aria-label="Collections">
        {COLLECTIONS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={collection === name}
            onClick={() => {
              setCollection(name);
              setEditing({ kind: 'none' });
            }}
          >
            {COLLECTION_SPECS[name].label} <span class="muted small">{status.counts[name]}</span>
          </button>
        ))}
      </div>
      <div class="records">
        <div class="stack">
          <div class="row">
            <input
              type="search"
              class="grow"
              placeholder={`Search ${spec.label.toLowerCase()}`}
              aria-label={`Search ${spec.label.toLowerCase()}`}
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
            <button type="button" class="primary" onClick={() => setEditing({ kind: 'new' })}>
              New
            </button>
          </div>
          <ErrorAlert error={load.error} />
          {records.length === 0 ? (
            <p class="muted">
              {query ? 'Nothing matches.' : `No ${spec.label.toLowerCase()} yet.`}
            </p>
          ) : (
            <ul class="list" aria-label={spec.label}>
              {records.map((r) => (
                <li key={r.id}>
                  <button
                    type="button"
                    class="item"
                    aria-current={editing.kind === 'edit' && editing.id === r.id}
                    onClick={() => {
                      setEditing({ kind: 'edit', id: r.id });
                      setShowHistory(false);
                    }}
                  >
                    <span>{recordTitle(collection, r.value, r.id)}</span>
                    {r.pending && <span class="pill warn">pending sync</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="stack">
          {editing.kind === 'new' && (
            <RecordForm
              key={`new-${collection}`}
              collection={collection}
              record={null}
              onSaved={(id) => setEditing({ kind: 'edit', id })}
              onCancel={() => setEditing({ kind: 'none' })}
            />
          )}
          {selected && (
            <>
              <RecordForm
                key={`${selected.id}-${restores}`}
                collection={collection}
                record={selected}
                onSaved={() => undefined}
                onCancel={() => setEditing({ kind: 'none' })}
              />
              <ErrorAlert error={remove.error} />
              <div class="row">
                <button
                  type="button"
                  class="danger"
                  disabled={remove.busy}
                  onClick={() => {
                    const name = recordTitle(collection, selected.value, selected.id);
                    if (!confirm(`Delete “${name}” from every device?`)) return;
                    void remove.run(async () => {
                      await bridge.call('records.delete', { collection, id: selected.id });
                      setEditing({ kind: 'none' });
                    });
                  }}
                >
                  Delete
                </button>
                <button
                  type="button"
                  aria-expanded={showHistory}
                  onClick={() => setShowHistory(!showHistory)}
                >
                  History
                </button>
              </div>
              {showHistory && (
                <RecordHistory
                  collection={collection}
                  id={selected.id}
                  onRestored={() =>
                    void load.run(async () => {
                      setRecords(await bridge.call('records.list', { collection, query }));
                      setRestores((n) => n + 1);
                    })
                  }
                />
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
