/**
 * The key document's JSON form and its strict validation: the one place that says what a
 * stored document may look like. The server stores it opaquely (base64url of this JSON); every
 * field is checked on the way back in, since the server is exactly who the checks protect
 * against. ../README.md, "Key document", describes each field; in short:
 *
 *   { v: 2, epoch, fingerprint, tokenRoot: { iv, ct }, authKey: { iv, ct },
 *     wraps: { recovery: { kdf, salt, check, iv, ct, pub }, passphrase?: { ..., pub } },
 *     recipients: { recovery: { eph, iv, ct }, passphrase?: { eph, iv, ct },
 *                   "device:<id>": { pub, deviceName?, eph, iv, ct }, ... },
 *     previous: [{ epoch, fingerprint, iv, ct }, ...],   // newest first
 *     mac }
 *
 * Each wrap seals a recipient private key and the document-authentication key K_auth; each
 * recipient entry seals the master key; authKey is K_auth under the master; the mac is keyed
 * from K_auth.
 */
import * as v from 'valibot';
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { fromUtf8, utf8 } from '../bytes';
import { CryptoError } from '../errors';

/**
 * The key document's format versions, each named with what it carries (../README.md, "Stored
 * formats", says how long a version is read once a newer one ships). Code branches on these
 * names, never on a bare number.
 */
export const KEY_DOCUMENT_VERSION = {
  /**
   * The master key sealed to public-key recipients (recovery key, passphrase, each device),
   * earlier epochs' masters under the current one, and a mac keyed by the account's K_auth.
   */
  V2: 2,
  /** What createKeyDocument writes and the only version opened. */
  Current: 2,
} as const;
export type KeyDocumentVersion = (typeof KEY_DOCUMENT_VERSION)[keyof typeof KEY_DOCUMENT_VERSION];
export const PBKDF2_MIN_ITERATIONS = 600_000;
/** A server could otherwise make every unlocking device hash for minutes. */
export const PBKDF2_MAX_ITERATIONS = 10_000_000;
/**
 * Argon2id for new passphrase wraps, at least Bitwarden's parameters (64 MiB, t=3, p=4). The
 * floors stop a server from downgrading a wrap; the ceilings stop it from making an unlocking
 * device allocate gigabytes or hash for minutes. memoryKiB is Argon2's m in KiB.
 */
export const ARGON2_DEFAULTS = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 4 } as const;
export type Argon2Params = { memoryKiB: number; iterations: number; parallelism: number };
export const ARGON2_FLOORS: Argon2Params = ARGON2_DEFAULTS;
export const ARGON2_CEILINGS = { memoryKiB: 256 * 1024, iterations: 10, parallelism: 4 } as const;
/** Matches the protocol's cap on the stored document. */
const MAX_DOCUMENT_CHARS = 64 * 1024;

export const SALT_BYTES = 16;
export const CHECK_BYTES = 16;
export const IV_BYTES = 12;
/** A sealed 32-byte key: the key plus the 16-byte GCM tag. */
const SEALED_KEY_BYTES = 48;
const MAC_BYTES = 32;
/** A P-256 public key, raw uncompressed: 0x04 ‖ x ‖ y. */
export const PUBLIC_KEY_BYTES = 65;
/** A P-256 private key in the canonical PKCS8 form recipients.ts writes. */
export const PRIVATE_KEY_BYTES = 138;
/** The document-authentication key K_auth, which keys the mac. */
export const AUTH_KEY_BYTES = 32;
export const MAX_DEVICE_ID_LENGTH = 128;
/** The protocol's bound on a device name (characters as JavaScript counts them). */
export const MAX_DEVICE_NAME_LENGTH = 64;
/** C0 and C1 controls, and the bidirectional overrides and isolates that can disguise a name. */
const UNSAFE_NAME_CHARS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * A device name the key document may carry: 1 to 64 characters, trimmed, no control or
 * bidirectional formatting characters. Shown as the authenticated name of a device, so it is
 * checked on every read, not only when written.
 */
export function isDeviceName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= MAX_DEVICE_NAME_LENGTH &&
    name.trim() === name &&
    !UNSAFE_NAME_CHARS.test(name)
  );
}
/** More than anyone rotates; it bounds the work a hostile document can ask for. */
export const MAX_PREVIOUS_EPOCHS = 256;

const b64 = (bytes: number) =>
  v.pipe(
    v.string(),
    v.check((text) => fromBase64url(text)?.length === bytes, `must be ${bytes} bytes in base64url`),
  );

const SealedKey = v.strictObject({ iv: b64(IV_BYTES), ct: b64(SEALED_KEY_BYTES) });
const Epoch = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(0xffffffff));
const Iterations = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(1),
  v.maxValue(PBKDF2_MAX_ITERATIONS),
);

/** A secret wrap seals the recipient private key followed by K_auth. */
export const WRAP_SECRET_BYTES = PRIVATE_KEY_BYTES + AUTH_KEY_BYTES;
const SEALED_WRAP_SECRET_BYTES = WRAP_SECRET_BYTES + 16;
const PublicKey = b64(PUBLIC_KEY_BYTES);
const RecoveryWrap = v.strictObject({
  kdf: v.literal('hkdf-sha256'),
  salt: b64(SALT_BYTES),
  check: b64(CHECK_BYTES),
  iv: b64(IV_BYTES),
  ct: b64(SEALED_WRAP_SECRET_BYTES),
  pub: PublicKey,
});
const Pbkdf2Wrap = v.strictObject({
  kdf: v.literal('pbkdf2-sha256'),
  iterations: Iterations,
  salt: b64(SALT_BYTES),
  check: b64(CHECK_BYTES),
  iv: b64(IV_BYTES),
  ct: b64(SEALED_WRAP_SECRET_BYTES),
  pub: PublicKey,
});
/** Argon2 itself requires m ≥ 8·p KiB; the ceilings are checked here, the floors in decode. */
const argon2Param = (max: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max));
const Argon2idWrap = v.strictObject({
  kdf: v.literal('argon2id'),
  memoryKiB: argon2Param(ARGON2_CEILINGS.memoryKiB),
  iterations: argon2Param(ARGON2_CEILINGS.iterations),
  parallelism: argon2Param(ARGON2_CEILINGS.parallelism),
  salt: b64(SALT_BYTES),
  check: b64(CHECK_BYTES),
  iv: b64(IV_BYTES),
  ct: b64(SEALED_WRAP_SECRET_BYTES),
  pub: PublicKey,
});
const PassphraseWrap = v.variant('kdf', [Pbkdf2Wrap, Argon2idWrap]);

export const DEVICE_PREFIX = 'device:';
const RecipientName = v.pipe(
  v.string(),
  v.check(
    (name) =>
      name === 'recovery' ||
      name === 'passphrase' ||
      (name.startsWith(DEVICE_PREFIX) &&
        name.length > DEVICE_PREFIX.length &&
        name.length <= DEVICE_PREFIX.length + MAX_DEVICE_ID_LENGTH),
    'must be recovery, passphrase or device:<id>',
  ),
);
const DeviceName = v.pipe(
  v.string(),
  v.check(
    (name: string) => isDeviceName(name),
    'must be 1 to 64 trimmed characters, no control characters',
  ),
);
const RecipientEntry = v.strictObject({
  pub: v.optional(PublicKey),
  /** Device entries only, optional (documents written before names were added have none). */
  deviceName: v.optional(DeviceName),
  eph: PublicKey,
  iv: b64(IV_BYTES),
  ct: b64(SEALED_KEY_BYTES),
});
const PreviousEpoch = v.strictObject({
  epoch: Epoch,
  fingerprint: b64(16),
  iv: b64(IV_BYTES),
  ct: b64(SEALED_KEY_BYTES),
});

/** One K_auth rotation (auth-transition.ts): commitments and the tag under the K_auth before. */
const AuthTransition = v.strictObject({
  epoch: Epoch,
  fingerprint: b64(16),
  auth: b64(32),
  devices: b64(32),
  tag: b64(MAC_BYTES),
});

const KeyDocumentJson = v.strictObject({
  v: v.literal(KEY_DOCUMENT_VERSION.Current),
  epoch: Epoch,
  fingerprint: b64(16),
  tokenRoot: SealedKey,
  authKey: SealedKey,
  wraps: v.strictObject({ recovery: RecoveryWrap, passphrase: v.optional(PassphraseWrap) }),
  recipients: v.record(RecipientName, RecipientEntry),
  previous: v.pipe(v.array(PreviousEpoch), v.maxLength(MAX_PREVIOUS_EPOCHS)),
  /** Newest first; absent on documents that never rotated K_auth. */
  transitions: v.optional(v.pipe(v.array(AuthTransition), v.maxLength(MAX_PREVIOUS_EPOCHS))),
  /** Records sealed under an epoch below this one are refused: the rotation resealed them all. */
  retiredBelow: v.optional(Epoch),
  mac: b64(MAC_BYTES),
});

export type RecoveryWrap = v.InferOutput<typeof RecoveryWrap>;
export type PassphraseWrap = v.InferOutput<typeof PassphraseWrap>;
export type Pbkdf2Wrap = v.InferOutput<typeof Pbkdf2Wrap>;
export type Argon2idWrap = v.InferOutput<typeof Argon2idWrap>;
export type SealedKey = v.InferOutput<typeof SealedKey>;
export type RecipientEntry = v.InferOutput<typeof RecipientEntry>;
export type PreviousEpoch = v.InferOutput<typeof PreviousEpoch>;
export type AuthTransition = v.InferOutput<typeof AuthTransition>;
export type KeyDocumentJson = v.InferOutput<typeof KeyDocumentJson>;

function invalid(message: string): CryptoError {
  return new CryptoError('key_document_invalid', `key document: ${message}`);
}

/** The KDF floors in force: the production ones unless a test lowered them explicitly. */
export interface KdfFloors {
  pbkdf2Iterations: number;
  argon2: Argon2Params;
}

export function decodeKeyDocument(document: string, floors: KdfFloors): KeyDocumentJson {
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
  const current = KEY_DOCUMENT_VERSION.Current;
  if (typeof version === 'number' && version > current) {
    throw new CryptoError(
      'unsupported_version',
      `key document version ${version} is newer than this app understands (${current})`,
    );
  }
  if (
    typeof version === 'number' &&
    Number.isInteger(version) &&
    version >= 1 &&
    version < current
  ) {
    // Version 1 never shipped (../README.md, "Stored formats"): an older document is not read.
    throw invalid(`v: version ${version} is no longer read (this app reads version ${current})`);
  }
  const result = v.safeParse(KeyDocumentJson, json);
  if (!result.success) {
    const issue = result.issues[0];
    throw invalid(`${v.getDotPath(issue) ?? 'document'}: ${issue.message}`);
  }
  checkConsistency(result.output);
  const passphrase = result.output.wraps.passphrase;
  if (passphrase) checkKdfFloors(passphrase, floors);
  return result.output;
}

function checkKdfFloors(wrap: PassphraseWrap, floors: KdfFloors): void {
  if (wrap.kdf === 'pbkdf2-sha256') {
    if (wrap.iterations < floors.pbkdf2Iterations) {
      throw invalid(
        `passphrase wrap uses ${wrap.iterations} PBKDF2 iterations, ` +
          `below the required ${floors.pbkdf2Iterations}`,
      );
    }
    return;
  }
  for (const name of ['memoryKiB', 'iterations', 'parallelism'] as const) {
    if (wrap[name] < floors.argon2[name]) {
      throw invalid(
        `passphrase wrap's Argon2id ${name} is ${wrap[name]}, below the required ${floors.argon2[name]}`,
      );
    }
  }
  if (wrap.memoryKiB < 8 * wrap.parallelism) {
    throw invalid("passphrase wrap's Argon2id memoryKiB must be at least 8 × parallelism");
  }
}

/** What the schema cannot say: which recipients must exist, and that epochs only go back. */
function checkConsistency(doc: KeyDocumentJson): void {
  for (const [name, entry] of Object.entries(doc.recipients)) {
    const isDevice = name.startsWith(DEVICE_PREFIX);
    if (isDevice && entry.pub === undefined) throw invalid(`recipients.${name}.pub is missing`);
    if (!isDevice && entry.pub !== undefined) {
      throw invalid(`recipients.${name}.pub is not allowed; the key is wraps.${name}.pub`);
    }
    if (!isDevice && entry.deviceName !== undefined) {
      throw invalid(`recipients.${name}.deviceName is only allowed on a device entry`);
    }
  }
  if (!doc.recipients.recovery) throw invalid('recipients.recovery is missing');
  if (!doc.wraps.passphrase !== !doc.recipients.passphrase) {
    throw invalid('recipients.passphrase must exist exactly when wraps.passphrase does');
  }
  let below = doc.epoch;
  for (const [index, previous] of doc.previous.entries()) {
    if (previous.epoch >= below) {
      throw invalid(`previous.${index}.epoch must be below ${below} (newest first)`);
    }
    below = previous.epoch;
  }
  below = doc.epoch + 1;
  for (const [index, step] of (doc.transitions ?? []).entries()) {
    if (step.epoch >= below) {
      throw invalid(`transitions.${index}.epoch must be below ${below} (newest first)`);
    }
    below = step.epoch;
  }
  if (doc.retiredBelow !== undefined && doc.retiredBelow > doc.epoch) {
    throw invalid('retiredBelow cannot retire the current epoch');
  }
}

export function encodeKeyDocument(document: KeyDocumentJson): string {
  const text = toBase64url(utf8(JSON.stringify(document)));
  if (text.length > MAX_DOCUMENT_CHARS) {
    throw new CryptoError(
      'invalid_argument',
      `the key document would exceed ${MAX_DOCUMENT_CHARS} characters (too many recipients)`,
    );
  }
  return text;
}
