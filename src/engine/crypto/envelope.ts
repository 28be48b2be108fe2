/**
 * Record envelope, format version 1 (all integers big-endian), then base64url:
 *
 *   offset  0  1 byte   version (1)
 *   offset  1  4 bytes  key epoch
 *   offset  5  8 bytes  key id (first 8 bytes of the key fingerprint)
 *   offset 13 12 bytes  IV, fresh from crypto.getRandomValues for every seal
 *   offset 25  ...      AES-256-GCM ciphertext of the JSON plaintext, then the 16-byte tag
 *
 * The associated data binds the header and the record's identity (account, collection token,
 * record id, epoch, deleted flag): a ciphertext moved to another record, collection or account,
 * resurrected, undeleted or relabelled fails to open.
 */
import { fromBase64url, toBase64url } from './base64url';
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
}

export const ENVELOPE_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const EPOCH_OFFSET = 1;
const KEY_ID_OFFSET = EPOCH_OFFSET + 4;
const IV_OFFSET = KEY_ID_OFFSET + KEY_ID_BYTES;
export const HEADER_BYTES = IV_OFFSET + IV_BYTES;
/** The shortest JSON text is one byte. */
const MIN_ENVELOPE_BYTES = HEADER_BYTES + 1 + TAG_BYTES;

interface ParsedEnvelope {
  epoch: number;
  keyId: Uint8Array;
  iv: Uint8Array<ArrayBuffer>;
  sealed: Uint8Array<ArrayBuffer>;
}

function associatedData(aad: RecordAad, keyId: Uint8Array) {
  return label(
    'satchel/v1/record',
    ENVELOPE_VERSION,
    aad.accountId,
    aad.collection,
    aad.id,
    aad.epoch,
    aad.deleted,
    toBase64url(keyId),
  );
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
    typeof aad.deleted === 'boolean';
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
  header[0] = ENVELOPE_VERSION;
  new DataView(header.buffer).setUint32(EPOCH_OFFSET, keys.epoch);
  header.set(keyId, KEY_ID_OFFSET);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: associatedData(aad, keyId), tagLength: 128 },
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
  if (version > ENVELOPE_VERSION) {
    throw new CryptoError(
      'unsupported_version',
      `envelope version ${version} is newer than this app understands (${ENVELOPE_VERSION})`,
    );
  }
  if (version !== ENVELOPE_VERSION) {
    throw new CryptoError('envelope_invalid', `envelope version ${version} does not exist`);
  }
  if (bytes.length < MIN_ENVELOPE_BYTES) {
    throw new CryptoError(
      'envelope_invalid',
      `envelope is ${bytes.length} bytes, shorter than the minimum ${MIN_ENVELOPE_BYTES}`,
    );
  }
  return {
    epoch: new DataView(bytes.buffer).getUint32(EPOCH_OFFSET),
    keyId: bytes.subarray(KEY_ID_OFFSET, IV_OFFSET),
    iv: bytes.slice(IV_OFFSET, HEADER_BYTES),
    sealed: bytes.slice(HEADER_BYTES),
  };
}

async function decrypt(keys: AccountKeys, aad: RecordAad, parsed: ParsedEnvelope) {
  // Our own key id goes into the AAD, so if only the header's key id was altered the tag still
  // fails, and the caller can tell that case apart from a genuinely foreign key.
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: parsed.iv, additionalData: associatedData(aad, keyIdOf(keys)) },
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
  try {
    return JSON.parse(fromUtf8(plain));
  } catch {
    // Authentic but not JSON: a broken client holding our key wrote it. No cause attached, as
    // JSON.parse messages quote the (secret) text.
    throw new CryptoError('envelope_invalid', 'record plaintext is not valid UTF-8 JSON');
  }
}
