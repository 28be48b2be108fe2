/**
 * The secret wraps: what the recovery key and the passphrase open. Each seals a recipient
 * private key (PKCS8) followed by the account's document-authentication key K_auth. A wrap binds
 * its recipient's public key rather than an epoch, so it outlives rotations and a device that
 * knows neither secret can still rotate.
 *
 * Each wrap derives two values from its secret: an AES-256-GCM wrapping key and a public check
 * value. The check lets unlock tell "wrong recovery key or passphrase" (check differs) from
 * "document altered" (check matches, tag fails). It gives an attacker nothing the GCM tag would
 * not: both are verifiers.
 */
import { argon2id } from 'hash-wasm';
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { type Bytes, bytesEqual, concatBytes, label, randomBytes, utf8 } from '../bytes';
import { CryptoError } from '../errors';
import { hkdfAesKey, hkdfBytes, importHkdfKey } from '../kdf';
import { parseRecoveryKey } from '../recovery-key';
import {
  type Argon2Params,
  AUTH_KEY_BYTES,
  CHECK_BYTES,
  type KeyDocumentJson,
  type PassphraseWrap,
  PRIVATE_KEY_BYTES,
  type RecoveryWrap,
  SALT_BYTES,
  WRAP_SECRET_BYTES,
} from './format';
import { generateRecipientKeyPair } from './recipients';
import { seal, unseal } from './seal';

export type WrapKind = 'recovery' | 'passphrase';

export type KeySecret = { recoveryKey: string } | { passphrase: string };

/** What a wrap's AAD binds: the account and the public key of the recipient it opens. */
interface SecretWrapBinding {
  accountId: string;
  pub: string;
}

interface WrapSecret {
  key: CryptoKey;
  check: Uint8Array<ArrayBuffer>;
}

/** People type passphrases on different keyboards and systems: compare them in NFC. */
function passphraseBytes(passphrase: string): Uint8Array<ArrayBuffer> {
  return utf8(passphrase.normalize('NFC'));
}

async function splitSecret(base: CryptoKey, kind: WrapKind, salt: Uint8Array<ArrayBuffer>) {
  return {
    key: await hkdfAesKey(base, label('satchel/v1/wrap-key', kind), salt),
    check: await hkdfBytes(base, label('satchel/v1/wrap-check', kind), CHECK_BYTES, salt),
  } satisfies WrapSecret;
}

async function recoverySecret(recovery: Uint8Array, salt: Uint8Array<ArrayBuffer>) {
  return splitSecret(await importHkdfKey(recovery), 'recovery', salt);
}

/** How a new passphrase wrap stretches: Argon2id, or PBKDF2 only where a test asks for it. */
export type PassphraseKdf =
  | ({ kdf: 'argon2id' } & Argon2Params)
  | { kdf: 'pbkdf2-sha256'; iterations: number };

async function passphraseSecret(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  kdf: PassphraseKdf,
) {
  const stretched =
    kdf.kdf === 'argon2id'
      ? await argon2Stretch(passphrase, salt, kdf)
      : await pbkdf2Stretch(passphrase, salt, kdf.iterations);
  try {
    // The KDF already salted the input; the HKDF step only separates the key from the check.
    return await splitSecret(await importHkdfKey(stretched), 'passphrase', new Uint8Array(0));
  } finally {
    stretched.fill(0);
  }
}

/**
 * The passphrase stretch on its own, for the device lock (crypto/local-lock.ts): the same KDF
 * and the same floors as a passphrase wrap, so a PIN or passphrase costs a guesser as much there.
 */
export function stretchPassphrase(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  kdf: PassphraseKdf,
): Promise<Uint8Array> {
  return kdf.kdf === 'argon2id'
    ? argon2Stretch(passphrase, salt, kdf)
    : pbkdf2Stretch(passphrase, salt, kdf.iterations);
}

async function argon2Stretch(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  params: Argon2Params,
): Promise<Uint8Array> {
  const password = passphraseBytes(passphrase);
  try {
    return await argon2id({
      password,
      salt,
      parallelism: params.parallelism,
      iterations: params.iterations,
      memorySize: params.memoryKiB,
      hashLength: 32,
      outputType: 'binary',
    });
  } finally {
    password.fill(0);
  }
}

async function pbkdf2Stretch(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey(
    'raw',
    passphraseBytes(passphrase),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
      material,
      256,
    ),
  );
}

/**
 * The AAD binds the KDF's cost so a server that lowers it (to make offline guessing cheaper for
 * whoever it hands the document) breaks the tag. PBKDF2 and recovery wraps keep the AAD they were
 * written with; an Argon2id wrap names its KDF and all three parameters.
 */
function wrapAad(kind: WrapKind, binding: SecretWrapBinding, cost: number | Argon2Params) {
  if (typeof cost === 'number') {
    return label('satchel/v2/key-wrap', kind, binding.accountId, binding.pub, cost);
  }
  return label(
    'satchel/v2/key-wrap',
    kind,
    binding.accountId,
    binding.pub,
    'argon2id',
    cost.memoryKiB,
    cost.iterations,
    cost.parallelism,
  );
}

function costOf(wrap: RecoveryWrap | PassphraseWrap): number | Argon2Params {
  if (wrap.kdf === 'argon2id') {
    const { memoryKiB, iterations, parallelism } = wrap;
    return { memoryKiB, iterations, parallelism };
  }
  return wrap.kdf === 'pbkdf2-sha256' ? wrap.iterations : 0;
}

/** What a secret wrap seals: the recipient private key (PKCS8), then K_auth. */
function wrapSecretOf(privateKey: Uint8Array, authKey: Bytes): Uint8Array<ArrayBuffer> {
  if (privateKey.length !== PRIVATE_KEY_BYTES || authKey.length !== AUTH_KEY_BYTES) {
    throw new CryptoError('invalid_argument', 'a secret wrap seals a private key and K_auth');
  }
  return concatBytes(privateKey, authKey);
}

/** Splits what a secret wrap opened to (it zeroes nothing: the caller owns `opened`). */
export function splitWrapSecret(opened: Uint8Array): {
  privateKey: Uint8Array<ArrayBuffer>;
  authKey: Uint8Array<ArrayBuffer>;
} {
  if (opened.length !== WRAP_SECRET_BYTES) {
    throw new CryptoError('key_document_invalid', 'key document: a secret wrap has the wrong size');
  }
  return {
    privateKey: opened.slice(0, PRIVATE_KEY_BYTES),
    authKey: opened.slice(PRIVATE_KEY_BYTES),
  };
}

/** A fresh recovery recipient key pair; the wrap seals its private key and `authKey`. */
export async function newRecoveryWrap(
  recovery: Uint8Array,
  accountId: string,
  authKey: Bytes,
): Promise<RecoveryWrap> {
  const pair = await generateRecipientKeyPair();
  const binding = { accountId, pub: pair.publicKey };
  const secret = wrapSecretOf(pair.privateKey, authKey);
  try {
    const salt = randomBytes(SALT_BYTES);
    const derived = await recoverySecret(recovery, salt);
    return {
      kdf: 'hkdf-sha256',
      salt: toBase64url(salt),
      check: toBase64url(derived.check),
      ...(await seal(derived.key, secret, wrapAad('recovery', binding, 0))),
      pub: pair.publicKey,
    };
  } finally {
    pair.privateKey.fill(0);
    secret.fill(0);
  }
}

/** A fresh passphrase recipient key pair; the wrap seals its private key and `authKey`. */
export async function newPassphraseWrap(
  passphrase: string,
  kdf: PassphraseKdf,
  accountId: string,
  authKey: Bytes,
): Promise<PassphraseWrap> {
  const pair = await generateRecipientKeyPair();
  const binding = { accountId, pub: pair.publicKey };
  const secret = wrapSecretOf(pair.privateKey, authKey);
  try {
    const salt = randomBytes(SALT_BYTES);
    const derived = await passphraseSecret(passphrase, salt, kdf);
    const cost: number | Argon2Params =
      kdf.kdf === 'argon2id'
        ? { memoryKiB: kdf.memoryKiB, iterations: kdf.iterations, parallelism: kdf.parallelism }
        : kdf.iterations;
    const sealed = await seal(derived.key, secret, wrapAad('passphrase', binding, cost));
    const common = { salt: toBase64url(salt), check: toBase64url(derived.check), ...sealed };
    return kdf.kdf === 'argon2id'
      ? {
          kdf: 'argon2id',
          memoryKiB: kdf.memoryKiB,
          iterations: kdf.iterations,
          parallelism: kdf.parallelism,
          ...common,
          pub: pair.publicKey,
        }
      : { kdf: 'pbkdf2-sha256', iterations: kdf.iterations, ...common, pub: pair.publicKey };
  } finally {
    pair.privateKey.fill(0);
    secret.fill(0);
  }
}

/** Opens a wrap with the secret derived for it; wrong_secret if the secret is not its own. */
async function openWrap(
  kind: WrapKind,
  wrap: RecoveryWrap | PassphraseWrap,
  secret: WrapSecret,
  binding: SecretWrapBinding,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!bytesEqual(secret.check, fromBase64url(wrap.check) ?? new Uint8Array(0))) {
    throw new CryptoError(
      'wrong_secret',
      kind === 'recovery'
        ? 'This recovery key does not unlock this account.'
        : 'This passphrase does not unlock this account.',
    );
  }
  return unseal(secret.key, wrap, wrapAad(kind, binding, costOf(wrap)), `${kind} wrap`);
}

function saltOf(text: string): Uint8Array<ArrayBuffer> {
  // decodeKeyDocument has already checked every salt decodes to the right length.
  const salt = fromBase64url(text);
  if (!salt) throw new CryptoError('key_document_invalid', 'key document: salt is not base64url');
  return salt;
}

/**
 * Opens the recovery or passphrase wrap. `sealed` is the recipient private key followed by
 * K_auth (splitWrapSecret); the caller zeroes it.
 */
export async function openSecretWrap(
  doc: KeyDocumentJson,
  accountId: string,
  secret: KeySecret,
): Promise<{ kind: WrapKind; sealed: Uint8Array<ArrayBuffer> }> {
  if ('recoveryKey' in secret) {
    const wrap = doc.wraps.recovery;
    const recovery = parseRecoveryKey(secret.recoveryKey);
    const derived = await recoverySecret(recovery, saltOf(wrap.salt));
    const binding = { accountId, pub: wrap.pub };
    return { kind: 'recovery', sealed: await openWrap('recovery', wrap, derived, binding) };
  }
  const wrap = doc.wraps.passphrase;
  if (!wrap) {
    throw new CryptoError(
      'wrong_secret',
      'This account has no passphrase set; unlock it with the recovery key.',
    );
  }
  if (typeof secret.passphrase !== 'string' || secret.passphrase.length === 0) {
    throw new CryptoError('wrong_secret', 'Enter the passphrase.');
  }
  const kdf: PassphraseKdf =
    wrap.kdf === 'argon2id'
      ? {
          kdf: 'argon2id',
          memoryKiB: wrap.memoryKiB,
          iterations: wrap.iterations,
          parallelism: wrap.parallelism,
        }
      : { kdf: 'pbkdf2-sha256', iterations: wrap.iterations };
  const derived = await passphraseSecret(secret.passphrase, saltOf(wrap.salt), kdf);
  const binding = { accountId, pub: wrap.pub };
  return { kind: 'passphrase', sealed: await openWrap('passphrase', wrap, derived, binding) };
}
