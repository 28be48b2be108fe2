/** Decrypts a page of remote records (in parallel, outside any IndexedDB transaction). */
import type { RemoteRecord } from '../../protocol';
import type { CollectionName } from '../collections';
import type { QuarantinedVersion, QuarantineRow } from '../db/schema';
import { RecordError } from '../errors';
import type { OpenedRecord, RecordCipher } from './cipher';

export type PageItem =
  | { kind: 'opened'; remote: RemoteRecord; record: OpenedRecord }
  | {
      kind: 'quarantine';
      remote: RemoteRecord;
      collection: CollectionName | null;
      error: RecordError;
    }
  /** A collection this device does not sync (switched off) or does not know (a newer app's). */
  | { kind: 'skipped'; remote: RemoteRecord; reason: 'disabled' | 'unknown_collection' };

export async function openRemote(
  cipher: RecordCipher,
  remote: RemoteRecord,
  enabled: (c: CollectionName) => boolean,
): Promise<PageItem> {
  const collection = cipher.collectionOf(remote.collection);
  if (!collection) return { kind: 'skipped', remote, reason: 'unknown_collection' };
  if (!enabled(collection)) return { kind: 'skipped', remote, reason: 'disabled' };
  try {
    return { kind: 'opened', remote, record: await cipher.open(remote, collection) };
  } catch (error) {
    if (error instanceof RecordError) return { kind: 'quarantine', remote, collection, error };
    throw error;
  }
}

export function openPage(
  cipher: RecordCipher,
  changes: RemoteRecord[],
  enabled: (c: CollectionName) => boolean,
): Promise<PageItem[]> {
  return Promise.all(changes.map((remote) => openRemote(cipher, remote, enabled)));
}

/** The row that holds a record which would not open until a version that does arrives. */
export function quarantineRowOf(
  item: Extract<PageItem, { kind: 'quarantine' }>,
  at: number,
): QuarantineRow {
  return {
    token: item.remote.collection,
    id: item.remote.id,
    rev: item.remote.rev,
    code: item.error.code as QuarantineRow['code'],
    message: item.error.message,
    collection: item.collection,
    record: excerptOf(item.remote),
    at,
  };
}

/** Characters of a quarantined payload kept: a fingerprint of it, never the whole. */
export const QUARANTINE_EXCERPT_CHARS = 128;

function excerptOf(remote: RemoteRecord): QuarantinedVersion {
  const { payload, ...rest } = remote;
  return {
    ...rest,
    payloadExcerpt: payload.slice(0, QUARANTINE_EXCERPT_CHARS),
    payloadLength: payload.length,
  };
}
