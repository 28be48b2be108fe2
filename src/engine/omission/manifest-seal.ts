/**
 * A state manifest travels as an ordinary sealed record of a reserved collection whose token no
 * record collection can have (its name is not a collection name). Its id is `<writer>_m<chunk>`,
 * its revision is sealed like any record's, so the server can neither alter it, replay an older
 * one as newer, nor pass one chunk off as another.
 */
import * as v from 'valibot';
import type { RemoteRecord } from '../../protocol';
import { isHlc } from '../clock/hlc';
import { type AccountKeys, collectionToken, openRecord, sealRecord } from '../crypto';

/** Not a collection name: the token derived from it is the manifests' own. */
export const MANIFEST_COLLECTION = '~state-manifests';

const tokens = new WeakMap<AccountKeys, Promise<string>>();

export function manifestToken(keys: AccountKeys): Promise<string> {
  let token = tokens.get(keys);
  if (!token) {
    token = collectionToken(keys, MANIFEST_COLLECTION);
    tokens.set(keys, token);
  }
  return token;
}

export const ManifestPlaintext = v.strictObject({
  v: v.literal(1),
  kind: v.literal('manifest'),
  /** The publishing engine's writer id (the one in its clock stamps). */
  writer: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  /** The publisher's device id at the server, to name it from the device list. */
  device: v.pipe(v.string(), v.maxLength(128)),
  /** Raised on every publication: chunks of one publication share it. */
  counter: v.pipe(v.number(), v.integer(), v.minValue(1)),
  hlc: v.custom<string>(isHlc, 'must be a clock stamp'),
  chunk: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9999)),
  chunks: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10000)),
  /** Per collection name, the encoded list (manifest-codec.ts). */
  lists: v.record(v.string(), v.string()),
});

export type ManifestPlaintext = v.InferOutput<typeof ManifestPlaintext>;

export function manifestId(writer: string, chunk: number): string {
  return `${writer}_m${chunk}`;
}

/**
 * Whether a record id on the server has a state manifest's shape (`<writer>_m<chunk>`, writer
 * ids being 12 characters): for tests and tools that count an account's records as its people
 * know them. The engine itself tells manifests apart by their collection, never by id.
 */
export function isManifestId(id: string): boolean {
  return /^[A-Za-z0-9_-]{12}_m\d{1,4}$/.test(id);
}

export async function sealManifest(
  keys: AccountKeys,
  plaintext: ManifestPlaintext,
  rev: number,
): Promise<string> {
  const aad = {
    accountId: keys.accountId,
    collection: await manifestToken(keys),
    id: manifestId(plaintext.writer, plaintext.chunk),
    epoch: keys.epoch,
    deleted: false,
    rev,
  };
  return sealRecord(keys, aad, plaintext);
}

/**
 * The manifest chunk, or null when it cannot be believed (sealed under another key, tampered,
 * relabelled, another layout): a manifest that does not open only means less is detected.
 */
export async function openManifest(
  keys: AccountKeys,
  remote: RemoteRecord,
): Promise<ManifestPlaintext | null> {
  if (remote.key_fingerprint !== keys.fingerprint || remote.deleted) return null;
  if (!Number.isSafeInteger(remote.rev)) return null;
  try {
    const opened = await openRecord(
      keys,
      {
        accountId: keys.accountId,
        collection: remote.collection,
        id: remote.id,
        epoch: remote.key_epoch,
        deleted: false,
        rev: remote.rev,
      },
      remote.payload,
    );
    const parsed = v.safeParse(ManifestPlaintext, opened);
    if (!parsed.success) return null;
    if (manifestId(parsed.output.writer, parsed.output.chunk) !== remote.id) return null;
    return parsed.output;
  } catch {
    return null;
  }
}
