import { useEffect, useState } from 'preact/hooks';
import type { CollectionName, RecordSummary } from '../../../host/contract';
import { COLLECTIONS } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { CopyMenu } from '../../records/copy-menu';
import { COLLECTION_SPECS, recordTitle, summaryLine } from '../../records/fields';
import { RecordForm } from '../../records/record-form';
import { useRecordsOf } from '../../records/reference-input';
import { useAction, useBridge } from '../../use-bridge';
import type { SectionProps } from '../section';
import { RecordHistory } from './record-history';

/** What the search finds in the collections not shown, a few of each (the tab has the rest). */
function useMatchesElsewhere(
  shown: CollectionName,
  query: string,
  changed: unknown,
): RecordSummary[] {
  const bridge = useBridge();
  const [found, setFound] = useState<RecordSummary[]>([]);
  useEffect(() => {
    if (!query.trim()) {
      setFound([]);
      return;
    }
    let live = true;
    const others = COLLECTIONS.filter((c) => c !== shown);
    void Promise.all(
      others.map(async (c) =>
        (await bridge.call('records.list', { collection: c, query })).slice(0, 5),
      ),
    ).then(
      (lists) => live && setFound(lists.flat()),
      (error: unknown) => console.warn('Satchel: searching the other collections failed', error),
    );
    return () => {
      live = false;
    };
  }, [bridge, shown, query, JSON.stringify(changed)]);
  return found;
}

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
  const linked = useRecordsOf(['providers', 'profiles'], status.counts);
  const elsewhere = useMatchesElsewhere(collection, query, status.counts);
  const nameOf = (ref: CollectionName, id: string) => {
    const found = linked.of(ref).find((r) => r.id === id);
    return found ? recordTitle(ref, found.value, found.id) : undefined;
  };
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
                  {/* Beside the button, not in it: the button is named by the record alone. */}
                  <span class="record-summary small muted" data-testid="record-summary">
                    {summaryLine(collection, r.value, nameOf)}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {elsewhere.length > 0 && (
            <div class="stack" data-testid="search-elsewhere">
              <p class="small muted">Also matching in other collections:</p>
              <ul class="list" aria-label="Matches in other collections">
                {elsewhere.map((r) => (
                  <li key={`${r.collection}/${r.id}`}>
                    <button
                      type="button"
                      class="item"
                      onClick={() => {
                        setCollection(r.collection);
                        setEditing({ kind: 'edit', id: r.id });
                      }}
                    >
                      <span>{recordTitle(r.collection, r.value, r.id)}</span>
                      <span class="small muted">{COLLECTION_SPECS[r.collection].singular}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
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
              {collection === 'profiles' && (
                <CopyMenu
                  name={recordTitle(collection, selected.value, selected.id)}
                  value={selected.value}
                  provider={
                    linked.of('providers').find((p) => p.id === selected.value.provider)?.value
                  }
                />
              )}
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
