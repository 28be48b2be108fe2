/**
 * Key hierarchy. Everything descends from the 256-bit master key of one key epoch through
 * HKDF-SHA256; the `info` of every derivation is a JSON label naming purpose, account and epoch,
 * so no two purposes, accounts or epochs can ever share a key.
 *
 * Collection tokens are the exception to "per epoch": they come from the account's token root,
 * which outlives key rotation (see README.md, "Collection tokens").
 */
import { toBase64url } from '../../protocol/base64url';
import {
  assertAccountId,
  assertEpoch,
  assertKeyBytes,
  type Bytes,
  label,
  ownedCopy,
  randomBytes,
  utf8,
} from './bytes';
import { CryptoError } from './errors';

export const LABELS = {
  recordKey: 'satchel/v1/record-key',
  fingerprint: 'satchel/v1/fingerprint',
  tokenRoot: 'satchel/v1/token-root',
  tokenMac: 'satchel/v1/collection-token-key',
  collection: 'satchel/v1/collection',
} as const;

const FINGERPRINT_BYTES = 16;
/** Envelopes carry the first bytes of the fingerprint to tell "not our key" from "altered". */
export const KEY_ID_BYTES = 8;

export interface AccountKeys {
  readonly accountId: string;
  readonly epoch: number;
  /** Public, base64url (22 chars): safe to show, send and log. */
  readonly fingerprint: string;
}

interface KeyInternals {
  readonly master: CryptoKey;
  readonly tokenMac: CryptoKey;
  readonly keyId: Uint8Array<ArrayBuffer>;
  readonly recordKeys: Map<string, Promise<CryptoKey>>;
}

// A WeakMap rather than fields: the CryptoKeys cannot be reached, logged or cloned through the
// object the engine holds, and a look-alike object is rejected.
const internals = new WeakMap<AccountKeys, KeyInternals>();

const EMPTY_SALT = new Uint8Array(0);

export function generateMasterKey(): Bytes {
  return randomBytes(32);
}

export async function importHkdfKey(material: Uint8Array): Promise<CryptoKey> {
  const copy = ownedCopy(material);
  try {
    return await crypto.subtle.importKey('raw', copy, 'HKDF', false, ['deriveKey', 'deriveBits']);
  } finally {
    copy.fill(0);
  }
}

export async function hkdfBytes(
  base: CryptoKey,
  info: Uint8Array<ArrayBuffer>,
  length: number,
  salt: Uint8Array<ArrayBuffer> = EMPTY_SALT,
): Promise<Uint8Array<ArrayBuffer>> {
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt, info },
    base,
    length * 8,
  );
  return new Uint8Array(bits);
}

export function hkdfAesKey(
  base: CryptoKey,
  info: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer> = EMPTY_SALT,
): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export function hkdfHmacKey(
  base: CryptoKey,
  info: Uint8Array<ArrayBuffer>,
  usages: KeyUsage[],
): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: EMPTY_SALT, info },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    usages,
  );
}

async function fingerprintBytes(master: CryptoKey, accountId: string, epoch: number) {
  return hkdfBytes(master, label(LABELS.fingerprint, accountId, epoch), FINGERPRINT_BYTES);
}

/** Public identifier of (master, account, epoch). HKDF is one-way: it reveals nothing of the key. */
export async function fingerprintOf(
  master: Bytes,
  accountId: string,
  epoch: number,
): Promise<string> {
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  assertEpoch(epoch);
  return toBase64url(await fingerprintBytes(await importHkdfKey(master), accountId, epoch));
}

/**
 * The token root an account gets when its first master key is created. Later epochs carry the
 * same root forward (through the key document) so collection tokens never change on rotation.
 */
export async function deriveTokenRoot(master: Bytes, accountId: string): Promise<Bytes> {
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  return hkdfBytes(await importHkdfKey(master), label(LABELS.tokenRoot, accountId), 32);
}

export interface DeriveOptions {
  /**
   * The account's collection-token root, as returned by unlockKeyDocument. Defaults to the root
   * derived from `master`, which is right for the epoch the account was created in; after a key
   * rotation the root from the key document MUST be passed or every token changes.
   */
  tokenRoot?: Bytes;
}

export async function deriveAccountKeys(
  master: Bytes,
  accountId: string,
  epoch: number,
  options: DeriveOptions = {},
): Promise<AccountKeys> {
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  assertEpoch(epoch);
  if (options.tokenRoot !== undefined) assertKeyBytes(options.tokenRoot, 'token root');
  const masterKey = await importHkdfKey(master);
  const tokenRoot = options.tokenRoot ?? (await deriveTokenRoot(master, accountId));
  const tokenMac = await hkdfHmacKey(
    await importHkdfKey(tokenRoot),
    label(LABELS.tokenMac, accountId),
    ['sign'],
  );
  const fingerprint = await fingerprintBytes(masterKey, accountId, epoch);
  const keys: AccountKeys = Object.freeze({
    accountId,
    epoch,
    fingerprint: toBase64url(fingerprint),
  });
  internals.set(keys, {
    master: masterKey,
    tokenMac,
    keyId: fingerprint.slice(0, KEY_ID_BYTES),
    recordKeys: new Map(),
  });
  return keys;
}

function internalsOf(keys: AccountKeys): KeyInternals {
  const found = internals.get(keys);
  if (!found) {
    throw new CryptoError('invalid_argument', 'keys were not made by deriveAccountKeys');
  }
  return found;
}

export function keyIdOf(keys: AccountKeys): Uint8Array<ArrayBuffer> {
  return internalsOf(keys).keyId;
}

/** Per-collection AES-256-GCM key, derived on first use and cached for the life of `keys`. */
export function recordKeyFor(keys: AccountKeys, token: string): Promise<CryptoKey> {
  const inner = internalsOf(keys);
  let key = inner.recordKeys.get(token);
  if (!key) {
    key = hkdfAesKey(inner.master, label(LABELS.recordKey, keys.accountId, keys.epoch, token));
    // A failed derivation must not stay cached as a rejected promise forever.
    key.catch(() => inner.recordKeys.delete(token));
    inner.recordKeys.set(token, key);
  }
  return key;
}

/** Opaque, deterministic name for a collection: HMAC-SHA256, base64url (43 chars). */
export async function collectionToken(keys: AccountKeys, collectionName: string): Promise<string> {
  if (typeof collectionName !== 'string' || collectionName.length === 0) {
    throw new CryptoError('invalid_argument', 'collection name must be a non-empty string');
  }
  const mac = await crypto.subtle.sign(
    'HMAC',
    internalsOf(keys).tokenMac,
    utf8(JSON.stringify([LABELS.collection, collectionName])),
  );
  return toBase64url(new Uint8Array(mac));
}
