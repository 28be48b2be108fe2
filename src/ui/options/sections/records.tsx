import { useEffect, useState } from 'preact/hooks';
import type { CollectionName, RecordSummary } from '../../../host/contract';
import { COLLECTIONS } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { CopyMenu } from '../../records/copy-menu';
import { COLLECTION_SPECS, recordTitle, summaryLine } from '../../records/fields';
import { RecordForm } from '../../records/record-form';
import { titlesOf, useRecord, useRecordPage } from '../../records/use-record-page';
import { useAction, useBridge } from '../../use-bridge';
import type { SectionProps } from '../section';
import { RecordHistory } from './record-history';

/** What the search finds in the collections not shown, a few of each (the tab has the rest). */
function useMatchesElsewhere(
  shown: CollectionName,
  query: string,
  dataVersion: number,
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
      others.map(
        async (c) => (await bridge.call('records.page', { collection: c, query, limit: 5 })).items,
      ),
    ).then(
      (lists) => live && setFound(lists.flat()),
      (error: unknown) => console.warn('Satchel: searching the other collections failed', error),
    );
    return () => {
      live = false;
    };
  }, [bridge, shown, query, dataVersion]);
  return found;
}

/** How many more records each "Show more" lists. */
const PAGE = 100;

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; id: string };

/** Browse, search, create, edit and delete records of every collection, online or not. */
export function Records({ status }: SectionProps) {
  const bridge = useBridge();
  const [collection, setCollection] = useState<CollectionName>('profiles');
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE);
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const [showHistory, setShowHistory] = useState(false);
  /** Counts restores, so the edit form is rebuilt from the restored value. */
  const [restores, setRestores] = useState(0);
  /** Counts this page's own writes, so it lists again without waiting for the status. */
  const [writes, setWrites] = useState(0);
  const remove = useAction();
  // A snapshot kept by an older version has no dataVersion.
  const version = (status.dataVersion ?? 0) + writes;
  const listed = useRecordPage(
    { collection, query, limit: shown, titlesOf: titlesOf(collection) },
    version,
  );
  const records = listed.page?.items ?? [];
  const elsewhere = useMatchesElsewhere(collection, query, version);
  const open = useRecord(collection, editing.kind === 'edit' ? editing.id : null, version);
  const selected = editing.kind === 'edit' ? open.record : null;
  const provider = useRecord(
    'providers',
    collection === 'profiles' && typeof selected?.value.provider === 'string'
      ? selected.value.provider
      : null,
    version,
  );
  const nameOf = (ref: CollectionName, id: string) => listed.page?.titles[`${ref}/${id}`];
  const spec = COLLECTION_SPECS[collection];
  const total = listed.page?.total ?? 0;
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
              setShown(PAGE);
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
              onInput={(e) => {
                setQuery(e.currentTarget.value);
                setShown(PAGE);
              }}
            />
            <button type="button" class="primary" onClick={() => setEditing({ kind: 'new' })}>
              New
            </button>
          </div>
          <ErrorAlert error={listed.error} />
          {listed.page === null ? null : records.length === 0 ? (
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
          {total > records.length && (
            <div class="row">
              <span class="small muted" data-testid="records-shown">
                {records.length.toLocaleString()} of {total.toLocaleString()}
              </span>
              <button type="button" onClick={() => setShown(shown + PAGE)}>
                Show {Math.min(PAGE, total - records.length).toLocaleString()} more
              </button>
            </div>
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
              onSaved={(id) => {
                setWrites((n) => n + 1);
                setEditing({ kind: 'edit', id });
              }}
              onCancel={() => setEditing({ kind: 'none' })}
            />
          )}
          {selected && (
            <>
              <RecordForm
                key={`${selected.id}-${restores}`}
                collection={collection}
                record={selected}
                gone={open.gone}
                onSaved={() => setWrites((n) => n + 1)}
                onCancel={() => setEditing({ kind: 'none' })}
              />
              {collection === 'profiles' && (
                <CopyMenu
                  name={recordTitle(collection, selected.value, selected.id)}
                  value={selected.value}
                  provider={provider.record?.value}
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
                      setWrites((n) => n + 1);
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
                  onRestored={() => {
                    setWrites((n) => n + 1);
                    setRestores((n) => n + 1);
                  }}
                />
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
