/**
 * The device lock's crypto. A random 256-bit data key seals this device's secrets at rest; the
 * data key itself is stored only sealed under a key stretched from the person's passphrase or
 * PIN with the passphrase wrap's KDF (Argon2id). Unlocking opens the data key into a
 * non-extractable CryptoKey held in memory only.
 */
import { type Bytes, label, randomBytes } from './bytes';
import { CryptoError } from './errors';
import { hkdfAesKey, importHkdfKey } from './kdf';
import { type PassphraseKdf, stretchPassphrase } from './key-document/wraps';

const IV_BYTES = 12;
const DATA_KEY_BYTES = 32;
export const LOCK_SALT_BYTES = 16;

export interface SealedBytes {
  iv: Uint8Array;
  ct: Uint8Array;
}

/** The data key sealed under the secret, with what re-derives the secret's key. */
export interface LockWrap {
  kdf: PassphraseKdf;
  salt: Uint8Array;
  wrapped: SealedBytes;
}

function aadOf(purpose: string, kdf: PassphraseKdf): Uint8Array<ArrayBuffer> {
  return kdf.kdf === 'argon2id'
    ? label(
        'satchel/v1/local-lock',
        purpose,
        'argon2id',
        kdf.memoryKiB,
        kdf.iterations,
        kdf.parallelism,
      )
    : label('satchel/v1/local-lock', purpose, 'pbkdf2-sha256', kdf.iterations);
}

async function secretKey(secret: string, salt: Uint8Array, kdf: PassphraseKdf): Promise<CryptoKey> {
  const stretched = await stretchPassphrase(secret, new Uint8Array(salt), kdf);
  try {
    return await hkdfAesKey(await importHkdfKey(stretched), label('satchel/v1/local-lock-key'));
  } finally {
    stretched.fill(0);
  }
}

async function importDataKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  } finally {
    raw.fill(0);
  }
}

async function sealWith(
  key: CryptoKey,
  plain: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
): Promise<SealedBytes> {
  const iv = randomBytes(IV_BYTES);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, plain);
  return { iv, ct: new Uint8Array(ct) };
}

async function openWith(
  key: CryptoKey,
  sealed: SealedBytes,
  aad: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(sealed.iv), additionalData: aad },
      key,
      new Uint8Array(sealed.ct),
    );
    return new Uint8Array(plain);
  } catch (error) {
    throw new CryptoError('wrong_secret', 'The passphrase or PIN does not open this device', {
      cause: error,
    });
  }
}

/** A new data key, and its wrap under `secret`. */
export async function createLock(
  secret: string,
  kdf: PassphraseKdf,
): Promise<{ wrap: LockWrap; dataKey: CryptoKey }> {
  const raw = randomBytes(DATA_KEY_BYTES);
  const salt = randomBytes(LOCK_SALT_BYTES);
  const wrapped = await sealWith(await secretKey(secret, salt, kdf), raw, aadOf('data-key', kdf));
  return { wrap: { kdf, salt, wrapped }, dataKey: await importDataKey(raw) };
}

/** Opens the data key; `wrong_secret` when the passphrase or PIN is not the one set. */
export async function openLock(secret: string, wrap: LockWrap): Promise<CryptoKey> {
  return importDataKey(await openLockRaw(secret, wrap));
}

/** The data key's bytes, for sealing it under a second secret; the caller zeroes them. */
async function openLockRaw(secret: string, wrap: LockWrap): Promise<Uint8Array<ArrayBuffer>> {
  const key = await secretKey(secret, wrap.salt, wrap.kdf);
  return openWith(key, wrap.wrapped, aadOf('data-key', wrap.kdf));
}

/**
 * The data key sealed a second time, under a passkey's PRF output (WebAuthn `prf` extension):
 * the platform authenticator unlocks the device instead of typed text. The PRF output is
 * already 256 uniformly random bits, so HKDF only separates its purpose; no stretching.
 */
export interface PrfWrap {
  /** The passkey's credential id (base64url), asked for by the page at unlock. */
  credentialId: string;
  /** The PRF input the authenticator evaluates (its output differs per salt). */
  salt: Uint8Array;
  wrapped: SealedBytes;
}

export const PRF_OUTPUT_BYTES = 32;

async function prfKey(output: Uint8Array, credentialId: string): Promise<CryptoKey> {
  if (output.length !== PRF_OUTPUT_BYTES)
    throw new CryptoError('wrong_secret', 'The screen lock did not give this device its key');
  return hkdfAesKey(await importHkdfKey(output), label('satchel/v1/local-lock-prf', credentialId));
}

/**
 * Checks `secret` against the lock (so only someone who can unlock adds a way in) and seals its
 * data key under the PRF output.
 */
export async function createPrfWrap(
  secret: string,
  wrap: LockWrap,
  prf: { credentialId: string; salt: Uint8Array; output: Uint8Array },
): Promise<PrfWrap> {
  const raw = await openLockRaw(secret, wrap);
  try {
    const key = await prfKey(prf.output, prf.credentialId);
    const wrapped = await sealWith(key, raw, label('satchel/v1/local-lock', 'data-key', 'prf'));
    return { credentialId: prf.credentialId, salt: new Uint8Array(prf.salt), wrapped };
  } finally {
    raw.fill(0);
  }
}

/** Opens the data key with the authenticator's PRF output; `wrong_secret` for any other. */
export async function openPrfWrap(output: Uint8Array, wrap: PrfWrap): Promise<CryptoKey> {
  const key = await prfKey(output, wrap.credentialId);
  return importDataKey(
    await openWith(key, wrap.wrapped, label('satchel/v1/local-lock', 'data-key', 'prf')),
  );
}

/** Seals a value of the vault (the AAD names which, so sealed values cannot be swapped). */
export function sealLocal(dataKey: CryptoKey, name: string, plain: Bytes): Promise<SealedBytes> {
  return sealWith(dataKey, new Uint8Array(plain), label('satchel/v1/local-vault', name));
}

export async function openLocal(
  dataKey: CryptoKey,
  name: string,
  sealed: SealedBytes,
): Promise<Uint8Array> {
  try {
    return await openWith(dataKey, sealed, label('satchel/v1/local-vault', name));
  } catch (error) {
    throw new CryptoError('tampered', `The locked ${name} on this device does not open`, {
      cause: error,
    });
  }
}
