/**
 * The key document's JSON form, version 1, and its strict validation. The server stores the
 * document opaquely (base64url of this JSON); every field is checked on the way back in, since
 * the server is exactly who the checks protect against.
 *
 * {
 *   "v": 1,
 *   "epoch": 1,
 *   "fingerprint": "<base64url, 16 bytes>",
 *   "tokenRoot": { "iv": "<12 bytes>", "ct": "<32 + 16 bytes>" },          // sealed under master
 *   "wraps": {
 *     "recovery":   { "kdf": "hkdf-sha256", "salt", "check", "iv", "ct" },  // master, wrapped
 *     "passphrase": { "kdf": "pbkdf2-sha256", "iterations", "salt", "check", "iv", "ct" }  // optional
 *   }
 * }
 */
import * as v from 'valibot';
import { fromBase64url, toBase64url } from './base64url';
import { fromUtf8, utf8 } from './bytes';
import { CryptoError } from './errors';

export const KEY_DOCUMENT_VERSION = 1;
export const PBKDF2_MIN_ITERATIONS = 600_000;
/** A server could otherwise make every unlocking device hash for minutes. */
export const PBKDF2_MAX_ITERATIONS = 10_000_000;
/** Matches the protocol's cap on the stored document. */
const MAX_DOCUMENT_CHARS = 64 * 1024;

export const SALT_BYTES = 16;
export const CHECK_BYTES = 16;
export const IV_BYTES = 12;
/** A sealed 32-byte key: the key plus the 16-byte GCM tag. */
const SEALED_KEY_BYTES = 48;

const b64 = (bytes: number) =>
  v.pipe(
    v.string(),
    v.check((text) => fromBase64url(text)?.length === bytes, `must be ${bytes} bytes in base64url`),
  );

const SealedKey = v.strictObject({ iv: b64(IV_BYTES), ct: b64(SEALED_KEY_BYTES) });

const RecoveryWrap = v.strictObject({
  kdf: v.literal('hkdf-sha256'),
  salt: b64(SALT_BYTES),
  check: b64(CHECK_BYTES),
  iv: b64(IV_BYTES),
  ct: b64(SEALED_KEY_BYTES),
});

const PassphraseWrap = v.strictObject({
  kdf: v.literal('pbkdf2-sha256'),
  iterations: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(PBKDF2_MAX_ITERATIONS)),
  salt: b64(SALT_BYTES),
  check: b64(CHECK_BYTES),
  iv: b64(IV_BYTES),
  ct: b64(SEALED_KEY_BYTES),
});

const KeyDocumentJson = v.strictObject({
  v: v.literal(KEY_DOCUMENT_VERSION),
  epoch: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(0xffffffff)),
  fingerprint: b64(16),
  tokenRoot: SealedKey,
  wraps: v.strictObject({ recovery: RecoveryWrap, passphrase: v.optional(PassphraseWrap) }),
});

export type RecoveryWrap = v.InferOutput<typeof RecoveryWrap>;
export type PassphraseWrap = v.InferOutput<typeof PassphraseWrap>;
export type SealedKey = v.InferOutput<typeof SealedKey>;
export type KeyDocumentJson = v.InferOutput<typeof KeyDocumentJson>;

function invalid(message: string): CryptoError {
  return new CryptoError('key_document_invalid', `key document: ${message}`);
}

/** `minIterations` is the PBKDF2 floor in force: 600,000 unless a test lowered it explicitly. */
export function decodeKeyDocument(document: string, minIterations: number): KeyDocumentJson {
  if (typeof document !== 'string' || document.length > MAX_DOCUMENT_CHARS) {
    throw invalid(`must be a base64url string of at most ${MAX_DOCUMENT_CHARS} characters`);
  }
  const bytes = fromBase64url(document);
  if (!bytes) throw invalid('is not base64url');
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch {
    // The document holds no plaintext secrets, but the parser's message adds nothing useful.
    throw invalid('is not UTF-8 JSON');
  }
  const version = (json as { v?: unknown } | null)?.v;
  if (typeof version === 'number' && version > KEY_DOCUMENT_VERSION) {
    throw new CryptoError(
      'unsupported_version',
      `key document version ${version} is newer than this app understands (${KEY_DOCUMENT_VERSION})`,
    );
  }
  const result = v.safeParse(KeyDocumentJson, json);
  if (!result.success) {
    const issue = result.issues[0];
    throw invalid(`${v.getDotPath(issue) ?? 'document'}: ${issue.message}`);
  }
  const passphrase = result.output.wraps.passphrase;
  if (passphrase && passphrase.iterations < minIterations) {
    throw invalid(
      `passphrase wrap uses ${passphrase.iterations} PBKDF2 iterations, ` +
        `below the required ${minIterations}`,
    );
  }
  return result.output;
}

export function encodeKeyDocument(document: KeyDocumentJson): string {
  return toBase64url(utf8(JSON.stringify(document)));
}
