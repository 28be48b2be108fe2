/**
 * The records page's reads, each asked again only when the records may have changed
 * (`status.dataVersion`) or what is asked for did: never on a sync's progress.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type {
  BridgeError,
  CollectionName,
  RecordPage,
  RecordPageQuery,
  RecordSummary,
} from '../../host/contract';
import { asBridgeError, useBridge } from '../use-bridge';
import { COLLECTION_SPECS } from './fields';

/** The reference fields of a collection, as `records.page` takes them to name what they point at. */
export function titlesOf(collection: CollectionName): RecordPageQuery['titlesOf'] {
  return COLLECTION_SPECS[collection].fields.flatMap((field) =>
    field.ref ? [{ field: field.name, collection: field.ref as CollectionName }] : [],
  );
}

export interface PageState {
  page: RecordPage | null;
  error: BridgeError | null;
}

/**
 * One page of a collection. A reply is shown unless a newer one already is: one asked before the
 * records changed (or a letter ago) still paints at once rather than waiting for the next, and is
 * replaced when that comes. Never one of another collection.
 */
export function useRecordPage(query: RecordPageQuery | null, dataVersion: number): PageState {
  const bridge = useBridge();
  const [state, setState] = useState<PageState>({ page: null, error: null });
  const asked = useRef(0);
  const shown = useRef(0);
  const collection = useRef<string | null>(null);
  const key = JSON.stringify(query);
  useEffect(() => {
    collection.current = query?.collection ?? null;
    if (!query) {
      setState({ page: null, error: null });
      return;
    }
    const seq = ++asked.current;
    const current = () => seq > shown.current && collection.current === query.collection;
    bridge.call('records.page', query).then(
      (page) => {
        if (!current()) return;
        shown.current = seq;
        setState({ page, error: null });
      },
      (error: unknown) => {
        if (current()) setState((before) => ({ page: before.page, error: asBridgeError(error) }));
      },
    );
  }, [bridge, key, dataVersion]);
  return state;
}

export interface OpenRecord {
  /** The record as last read here (kept once it is gone, so the form keeps what was typed). */
  record: RecordSummary | null;
  /** It was here, and is no longer: deleted on another device, say. */
  gone: boolean;
  error: BridgeError | null;
}

/** One record, revealed, read again whenever the records may have changed. */
export function useRecord(
  collection: CollectionName,
  id: string | null,
  dataVersion: number,
): OpenRecord {
  const bridge = useBridge();
  const [state, setState] = useState<OpenRecord>({ record: null, gone: false, error: null });
  const shown = useRef<string | null>(null);
  useEffect(() => {
    const key = id === null ? null : `${collection}/${id}`;
    if (shown.current !== key) {
      shown.current = key;
      setState({ record: null, gone: false, error: null });
    }
    if (id === null) return;
    let live = true;
    bridge.call('records.get', { collection, id }).then(
      (record) => {
        if (!live) return;
        setState((before) =>
          record
            ? { record, gone: false, error: null }
            : { record: before.record, gone: before.record !== null, error: null },
        );
      },
      (error: unknown) =>
        live && setState((before) => ({ ...before, error: asBridgeError(error) })),
    );
    return () => {
      live = false;
    };
  }, [bridge, collection, id, dataVersion]);
  return state;
}
