import type { RemoteRecord } from '../../../protocol';

/** A records row as the SQL layer reads and writes it. */
export interface RecordRow {
  collection: string;
  id: string;
  rev: number;
  seq: number;
  deleted: boolean;
  payload: string;
  key_epoch: number;
  key_fingerprint: string;
  modified_at: number;
}

export const RECORD_COLUMNS =
  'collection, id, rev, seq, deleted, payload, key_epoch, key_fingerprint, modified_at';

export function toRemoteRecord(row: RecordRow): RemoteRecord {
  return {
    collection: row.collection,
    id: row.id,
    rev: row.rev,
    seq: row.seq,
    deleted: row.deleted,
    payload: row.payload,
    key_epoch: row.key_epoch,
    key_fingerprint: row.key_fingerprint,
    modified_at: new Date(row.modified_at).toISOString(),
  };
}
