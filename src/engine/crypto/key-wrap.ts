/**
 * Wrapping for the key document: the master key (version 1) or a recipient's private key and
 * the document-authentication key (version 2) under the recovery key or passphrase, and, under
 * the master key, the token root and (version 2) the authentication key and the previous epochs'
 * master keys. Each secret wrap derives two
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
  type PreviousEpoch,
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

/**
 * Version 2 wraps seal a recipient private key rather than the master key. They outlive key
 * rotations, so they bind the recipient's public key instead of an epoch and fingerprint.
 */
export interface RecipientWrapBinding {
  accountId: string;
  pub: string;
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

function wrapAad(kind: WrapKind, binding: WrapBinding | RecipientWrapBinding, iterations: number) {
  if ('pub' in binding) {
    return label('satchel/v2/key-wrap', kind, binding.accountId, binding.pub, iterations);
  }
  return label(
    'satchel/v1/key-wrap',
    kind,
    binding.accountId,
    binding.epoch,
    binding.fingerprint,
    iterations,
  );
}

/** AES-256-GCM with a fresh random IV. */
export async function seal(key: CryptoKey, secret: Uint8Array, aad: Uint8Array<ArrayBuffer>) {
  const iv = randomBytes(IV_BYTES);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad },
    key,
    new Uint8Array(secret),
  );
  return { iv: toBase64url(iv), ct: toBase64url(new Uint8Array(ct)) };
}

/** Opens what `seal` sealed; a failed tag is `key_document_invalid`, naming `what`. */
export async function unseal(
  key: CryptoKey,
  sealed: { iv: string; ct: string },
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

/**
 * `sealed` is the master key (version 1) or the recovery recipient's private key followed by the
 * document-authentication key (version 2).
 */
export async function makeRecoveryWrap(
  recovery: Uint8Array,
  sealed: Uint8Array,
  binding: WrapBinding | RecipientWrapBinding,
): Promise<RecoveryWrap> {
  const salt = randomBytes(SALT_BYTES);
  const secret = await recoverySecret(recovery, salt);
  return {
    kdf: 'hkdf-sha256',
    salt: toBase64url(salt),
    check: toBase64url(secret.check),
    ...(await seal(secret.key, sealed, wrapAad('recovery', binding, 0))),
  };
}

export async function makePassphraseWrap(
  passphrase: string,
  iterations: number,
  sealed: Uint8Array,
  binding: WrapBinding | RecipientWrapBinding,
): Promise<PassphraseWrap> {
  const salt = randomBytes(SALT_BYTES);
  const secret = await passphraseSecret(passphrase, salt, iterations);
  return {
    kdf: 'pbkdf2-sha256',
    iterations,
    salt: toBase64url(salt),
    check: toBase64url(secret.check),
    ...(await seal(secret.key, sealed, wrapAad('passphrase', binding, iterations))),
  };
}

/** Opens a wrap with the secret derived for it; wrong_secret if the secret is not its own. */
export async function openWrap(
  kind: WrapKind,
  wrap: RecoveryWrap | PassphraseWrap,
  secret: WrapSecret,
  binding: WrapBinding | RecipientWrapBinding,
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

/**
 * Version 2: the document-authentication key (K_auth, which keys the mac), sealed under the
 * epoch's master key so that every master holder (every device) learns it.
 */
async function authKeyWrapKey(master: Uint8Array, binding: WrapBinding) {
  return hkdfAesKey(
    await importHkdfKey(master),
    label('satchel/v2/auth-key-wrap', binding.accountId, binding.epoch),
  );
}

function authKeyAad(binding: WrapBinding) {
  return label('satchel/v2/auth-key', binding.accountId, binding.epoch, binding.fingerprint);
}

export async function sealAuthKey(master: Uint8Array, authKey: Uint8Array, binding: WrapBinding) {
  return seal(await authKeyWrapKey(master, binding), authKey, authKeyAad(binding));
}

export async function openAuthKey(master: Uint8Array, sealed: SealedKey, binding: WrapBinding) {
  return unseal(
    await authKeyWrapKey(master, binding),
    sealed,
    authKeyAad(binding),
    'authentication key',
  );
}

/** Version 2: earlier epochs' master keys, sealed under the current one. */
async function previousKey(master: Uint8Array, binding: WrapBinding) {
  return hkdfAesKey(
    await importHkdfKey(master),
    label('satchel/v2/previous-wrap', binding.accountId, binding.epoch),
  );
}

function previousAad(binding: WrapBinding, previous: { epoch: number; fingerprint: string }) {
  return label(
    'satchel/v2/previous',
    binding.accountId,
    binding.epoch,
    binding.fingerprint,
    previous.epoch,
    previous.fingerprint,
  );
}

export async function sealPreviousMaster(
  master: Uint8Array,
  previous: { epoch: number; fingerprint: string; master: Uint8Array },
  binding: WrapBinding,
): Promise<PreviousEpoch> {
  const sealed = await seal(
    await previousKey(master, binding),
    previous.master,
    previousAad(binding, previous),
  );
  return { epoch: previous.epoch, fingerprint: previous.fingerprint, ...sealed };
}

export async function openPreviousMaster(
  master: Uint8Array,
  previous: PreviousEpoch,
  binding: WrapBinding,
): Promise<Uint8Array<ArrayBuffer>> {
  return unseal(
    await previousKey(master, binding),
    previous,
    previousAad(binding, previous),
    `master key of epoch ${previous.epoch}`,
  );
}
