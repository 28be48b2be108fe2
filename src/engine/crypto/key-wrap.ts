/**
 * Wrapping the master key (and the token root) for the key document. Each wrap derives two
 * values from the secret: an AES-256-GCM wrapping key and a public check value. The check lets
 * unlock tell "wrong recovery key or passphrase" (check differs) from "document altered" (check
 * matches, tag fails). It gives an attacker nothing the GCM tag would not: both are verifiers.
 */
import { fromBase64url, toBase64url } from './base64url';
import { bytesEqual, label, randomBytes, utf8 } from './bytes';
import { CryptoError, isAuthenticationFailure } from './errors';
import { hkdfAesKey, hkdfBytes, importHkdfKey } from './kdf';
import {
  CHECK_BYTES,
  IV_BYTES,
  type PassphraseWrap,
  type RecoveryWrap,
  SALT_BYTES,
  type SealedKey,
} from './key-document-format';

export type WrapKind = 'recovery' | 'passphrase';

export interface WrapBinding {
  accountId: string;
  epoch: number;
  fingerprint: string;
}

interface WrapSecret {
  key: CryptoKey;
  check: Uint8Array<ArrayBuffer>;
}

/** People type passphrases on different keyboards and systems: compare them in NFC. */
export function passphraseBytes(passphrase: string): Uint8Array<ArrayBuffer> {
  return utf8(passphrase.normalize('NFC'));
}

async function splitSecret(base: CryptoKey, kind: WrapKind, salt: Uint8Array<ArrayBuffer>) {
  return {
    key: await hkdfAesKey(base, label('satchel/v1/wrap-key', kind), salt),
    check: await hkdfBytes(base, label('satchel/v1/wrap-check', kind), CHECK_BYTES, salt),
  } satisfies WrapSecret;
}

export async function recoverySecret(recovery: Uint8Array, salt: Uint8Array<ArrayBuffer>) {
  return splitSecret(await importHkdfKey(recovery), 'recovery', salt);
}

export async function passphraseSecret(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
) {
  const material = await crypto.subtle.importKey(
    'raw',
    passphraseBytes(passphrase),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const stretched = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
      material,
      256,
    ),
  );
  // PBKDF2 already salted the input; the HKDF step only separates the key from the check.
  return splitSecret(await importHkdfKey(stretched), 'passphrase', new Uint8Array(0));
}

function wrapAad(kind: WrapKind, binding: WrapBinding, iterations: number) {
  return label(
    'satchel/v1/key-wrap',
    kind,
    binding.accountId,
    binding.epoch,
    binding.fingerprint,
    iterations,
  );
}

async function seal(key: CryptoKey, secret: Uint8Array, aad: Uint8Array<ArrayBuffer>) {
  const iv = randomBytes(IV_BYTES);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad },
    key,
    new Uint8Array(secret),
  );
  return { iv: toBase64url(iv), ct: toBase64url(new Uint8Array(ct)) };
}

async function unseal(
  key: CryptoKey,
  sealed: SealedKey,
  aad: Uint8Array<ArrayBuffer>,
  what: string,
) {
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: fromBase64url(sealed.iv) as Uint8Array<ArrayBuffer>,
          additionalData: aad,
        },
        key,
        fromBase64url(sealed.ct) as Uint8Array<ArrayBuffer>,
      ),
    );
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
    throw new CryptoError(
      'key_document_invalid',
      `key document: the ${what} does not open; the document was altered or belongs to another account`,
    );
  }
}

export async function makeRecoveryWrap(
  recovery: Uint8Array,
  master: Uint8Array,
  binding: WrapBinding,
): Promise<RecoveryWrap> {
  const salt = randomBytes(SALT_BYTES);
  const secret = await recoverySecret(recovery, salt);
  const sealed = await seal(secret.key, master, wrapAad('recovery', binding, 0));
  return {
    kdf: 'hkdf-sha256',
    salt: toBase64url(salt),
    check: toBase64url(secret.check),
    ...sealed,
  };
}

export async function makePassphraseWrap(
  passphrase: string,
  iterations: number,
  master: Uint8Array,
  binding: WrapBinding,
): Promise<PassphraseWrap> {
  const salt = randomBytes(SALT_BYTES);
  const secret = await passphraseSecret(passphrase, salt, iterations);
  const sealed = await seal(secret.key, master, wrapAad('passphrase', binding, iterations));
  return {
    kdf: 'pbkdf2-sha256',
    iterations,
    salt: toBase64url(salt),
    check: toBase64url(secret.check),
    ...sealed,
  };
}

/** Opens a wrap with the secret derived for it; wrong_secret if the secret is not its own. */
export async function openWrap(
  kind: WrapKind,
  wrap: RecoveryWrap | PassphraseWrap,
  secret: WrapSecret,
  binding: WrapBinding,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!bytesEqual(secret.check, fromBase64url(wrap.check) ?? new Uint8Array(0))) {
    throw new CryptoError(
      'wrong_secret',
      kind === 'recovery'
        ? 'This recovery key does not unlock this account.'
        : 'This passphrase does not unlock this account.',
    );
  }
  const iterations = 'iterations' in wrap ? wrap.iterations : 0;
  return unseal(secret.key, wrap, wrapAad(kind, binding, iterations), `${kind} wrap`);
}

/** The token root travels sealed under the epoch's master key, so rewraps never touch it. */
async function tokenRootKey(master: Uint8Array, binding: WrapBinding) {
  return hkdfAesKey(
    await importHkdfKey(master),
    label('satchel/v1/token-root-wrap', binding.accountId, binding.epoch),
  );
}

function tokenRootAad(binding: WrapBinding) {
  return label('satchel/v1/token-root', binding.accountId, binding.epoch, binding.fingerprint);
}

export async function sealTokenRoot(
  master: Uint8Array,
  tokenRoot: Uint8Array,
  binding: WrapBinding,
) {
  return seal(await tokenRootKey(master, binding), tokenRoot, tokenRootAad(binding));
}

export async function openTokenRoot(master: Uint8Array, sealed: SealedKey, binding: WrapBinding) {
  return unseal(await tokenRootKey(master, binding), sealed, tokenRootAad(binding), 'token root');
}
