/**
 * Record envelope, format version 2 (all integers big-endian), then base64url:
 *
 *   offset  0  1 byte   version (2)
 *   offset  1  4 bytes  key epoch
 *   offset  5  8 bytes  key id (first 8 bytes of the key fingerprint)
 *   offset 13  8 bytes  revision the writer sealed it for (a safe integer, 1 or more)
 *   offset 21 12 bytes  IV, fresh from crypto.getRandomValues for every seal
 *   offset 33  ...      AES-256-GCM ciphertext of the JSON plaintext, then the 16-byte tag
 *
 * The associated data binds the header and the record's identity (account, collection token,
 * record id, epoch, deleted flag, revision): a ciphertext moved to another record, collection or
 * account, undeleted or relabelled fails to open, and an authentic older version served under
 * another revision than its own is told apart (`stale_revision`), so a replay cannot pass as new.
 */
import { fromBase64url, toBase64url } from '../../protocol/base64url';
import { bytesEqual, concatBytes, fromUtf8, label, randomBytes, utf8 } from './bytes';
import { CryptoError, isAuthenticationFailure } from './errors';
import { type AccountKeys, KEY_ID_BYTES, keyIdOf, recordKeyFor } from './kdf';

export interface RecordAad {
  accountId: string;
  /** Collection token, as returned by collectionToken(). */
  collection: string;
  id: string;
  epoch: number;
  deleted: boolean;
  /**
   * The record's revision. Sealing: the one the write will get under compare-and-set
   * (`base_rev + 1`, or 1 for a create). Opening: the one the server labels it with.
   */
  rev: number;
}

export const ENVELOPE_VERSION = {
  /** Binds the revision the writer sealed for, so a replayed or relabelled version is refused. */
  V2: 2,
  /** What sealRecord writes and the only version opened (version 1 never shipped). */
  Current: 2,
} as const;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const REV_BYTES = 8;
const EPOCH_OFFSET = 1;
const KEY_ID_OFFSET = EPOCH_OFFSET + 4;
const REV_OFFSET = KEY_ID_OFFSET + KEY_ID_BYTES;
const IV_OFFSET = REV_OFFSET + REV_BYTES;
export const HEADER_BYTES = IV_OFFSET + IV_BYTES;
/** The shortest JSON text is one byte. */
const MIN_ENVELOPE_BYTES = HEADER_BYTES + 1 + TAG_BYTES;

interface ParsedEnvelope {
  epoch: number;
  keyId: Uint8Array;
  rev: number;
  iv: Uint8Array<ArrayBuffer>;
  sealed: Uint8Array<ArrayBuffer>;
}

function associatedData(aad: RecordAad, rev: number, keyId: Uint8Array) {
  return label(
    'satchel/v2/record',
    ENVELOPE_VERSION.Current,
    aad.accountId,
    aad.collection,
    aad.id,
    aad.epoch,
    aad.deleted,
    rev,
    toBase64url(keyId),
  );
}

function isRevision(rev: unknown): rev is number {
  return Number.isSafeInteger(rev) && (rev as number) >= 1;
}

/** 8 bytes big-endian; a safe integer fits in the low 53 bits. */
function writeRev(view: DataView, rev: number): void {
  view.setUint32(REV_OFFSET, Math.floor(rev / 2 ** 32));
  view.setUint32(REV_OFFSET + 4, rev % 2 ** 32);
}

function readRev(view: DataView): number {
  return view.getUint32(REV_OFFSET) * 2 ** 32 + view.getUint32(REV_OFFSET + 4);
}

function checkAad(keys: AccountKeys, aad: RecordAad): void {
  const valid =
    typeof aad === 'object' &&
    aad !== null &&
    typeof aad.accountId === 'string' &&
    typeof aad.collection === 'string' &&
    aad.collection.length > 0 &&
    typeof aad.id === 'string' &&
    aad.id.length > 0 &&
    Number.isInteger(aad.epoch) &&
    typeof aad.deleted === 'boolean' &&
    isRevision(aad.rev);
  if (!valid) throw new CryptoError('invalid_argument', 'record AAD is incomplete');
  // Keys are bound to one account: mixing them up is a caller bug, not an attack to report.
  if (aad.accountId !== keys.accountId) {
    throw new CryptoError('invalid_argument', 'record AAD names another account than the keys');
  }
}

export async function sealRecord(
  keys: AccountKeys,
  aad: RecordAad,
  plaintext: unknown,
): Promise<string> {
  checkAad(keys, aad);
  if (aad.epoch !== keys.epoch) {
    throw new CryptoError(
      'invalid_argument',
      `cannot seal a record for epoch ${aad.epoch} with keys of epoch ${keys.epoch}`,
    );
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(plaintext);
  } catch {
    // No cause attached: serialiser messages can quote parts of the plaintext.
    throw new CryptoError('invalid_argument', 'plaintext is not JSON-serialisable');
  }
  if (json === undefined) {
    throw new CryptoError('invalid_argument', 'plaintext is not JSON-serialisable');
  }
  const keyId = keyIdOf(keys);
  const iv = randomBytes(IV_BYTES);
  const header = new Uint8Array(IV_OFFSET);
  header[0] = ENVELOPE_VERSION.Current;
  const view = new DataView(header.buffer);
  view.setUint32(EPOCH_OFFSET, keys.epoch);
  header.set(keyId, KEY_ID_OFFSET);
  writeRev(view, aad.rev);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: associatedData(aad, aad.rev, keyId), tagLength: 128 },
    await recordKeyFor(keys, aad.collection),
    utf8(json),
  );
  return toBase64url(concatBytes(header, iv, new Uint8Array(sealed)));
}

function parseEnvelope(envelope: string): ParsedEnvelope {
  const bytes = typeof envelope === 'string' ? fromBase64url(envelope) : null;
  if (!bytes) throw new CryptoError('envelope_invalid', 'envelope is not base64url');
  if (bytes.length === 0) throw new CryptoError('envelope_invalid', 'envelope is empty');
  const version = bytes[0] as number;
  if (version > ENVELOPE_VERSION.Current) {
    throw new CryptoError(
      'unsupported_version',
      `envelope version ${version} is newer than this app understands (${ENVELOPE_VERSION.Current})`,
    );
  }
  if (version !== ENVELOPE_VERSION.Current) {
    throw new CryptoError('envelope_invalid', `envelope version ${version} is not read`);
  }
  if (bytes.length < MIN_ENVELOPE_BYTES) {
    throw new CryptoError(
      'envelope_invalid',
      `envelope is ${bytes.length} bytes, shorter than the minimum ${MIN_ENVELOPE_BYTES}`,
    );
  }
  const view = new DataView(bytes.buffer);
  return {
    epoch: view.getUint32(EPOCH_OFFSET),
    keyId: bytes.subarray(KEY_ID_OFFSET, REV_OFFSET),
    rev: readRev(view),
    iv: bytes.slice(IV_OFFSET, HEADER_BYTES),
    sealed: bytes.slice(HEADER_BYTES),
  };
}

async function decrypt(keys: AccountKeys, aad: RecordAad, parsed: ParsedEnvelope) {
  // Our own key id goes into the AAD, so if only the header's key id was altered the tag still
  // fails, and the caller can tell that case apart from a genuinely foreign key.
  const plain = await crypto.subtle.decrypt(
    {
      name: 'AES-GCM',
      iv: parsed.iv,
      additionalData: associatedData(aad, parsed.rev, keyIdOf(keys)),
    },
    await recordKeyFor(keys, aad.collection),
    parsed.sealed,
  );
  return new Uint8Array(plain);
}

/** Opens an envelope for the record described by `aad`; every refusal is a CryptoError. */
export async function openRecord(
  keys: AccountKeys,
  aad: RecordAad,
  envelope: string,
): Promise<unknown> {
  checkAad(keys, aad);
  const parsed = parseEnvelope(envelope);
  if (parsed.epoch !== aad.epoch) {
    throw new CryptoError(
      'tampered',
      `record is labelled epoch ${aad.epoch} but its envelope says epoch ${parsed.epoch}`,
    );
  }
  if (parsed.epoch !== keys.epoch) {
    throw new CryptoError(
      'wrong_key',
      `record is sealed under key epoch ${parsed.epoch}, these keys are epoch ${keys.epoch}`,
    );
  }
  const foreignKeyId = !bytesEqual(parsed.keyId, keyIdOf(keys));
  let plain: Uint8Array;
  try {
    plain = await decrypt(keys, aad, parsed);
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
    if (foreignKeyId) {
      throw new CryptoError('wrong_key', 'record is sealed under a key these keys do not match');
    }
    throw new CryptoError('tampered', 'record failed authentication: altered or moved', {
      cause: error,
    });
  }
  if (foreignKeyId) {
    throw new CryptoError('tampered', 'record opens under our key but its key id was altered');
  }
  // Authentic, but written for another revision: an older version replayed under a newer label
  // (rollback, resurrection of a delete), or any version under a made-up one.
  if (parsed.rev !== aad.rev) {
    throw new CryptoError(
      'stale_revision',
      `record was sealed as revision ${parsed.rev} but is served as revision ${aad.rev}`,
    );
  }
  try {
    return JSON.parse(fromUtf8(plain));
  } catch {
    // Authentic but not JSON: a broken client holding our key wrote it. No cause attached, as
    // JSON.parse messages quote the (secret) text.
    throw new CryptoError('envelope_invalid', 'record plaintext is not valid UTF-8 JSON');
  }
}
