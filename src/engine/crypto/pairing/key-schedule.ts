/**
 * The pairing's key schedule: fresh key pairs and nonces, N's commitment, the transcript hash,
 * the ECDH shared secret, and what HKDF derives from it under the transcript: the confirmation
 * key, the code both screens show and the bundle key. ../README.md, "Pairing", has the table.
 */
import { toBase64url } from '../../../protocol/base64url';
import { concatBytes, label, randomBytes } from '../bytes';
import { hkdfAesKey, hkdfBytes, importHkdfKey } from '../kdf';
import {
  algorithmOf,
  fail,
  NONCE_BYTES,
  type PairingContext,
  type PairingCurve,
  type PairingSecretFields,
} from './messages';

const LABELS = {
  commitment: 'satchel/v1/pairing-commitment',
  transcript: 'satchel/v1/pairing',
  confirmKey: 'satchel/v1/pairing-confirm-key',
  confirmation: 'satchel/v1/pairing-confirmation',
  code: 'satchel/v1/pairing-code',
  bundleKey: 'satchel/v1/pairing-bundle-key',
} as const;

const SHARED_SECRET_BITS = 256;
const CODE_DIGITS = 6;

export async function newSecretFields(curve: PairingCurve): Promise<PairingSecretFields> {
  const pair = (await crypto.subtle.generateKey(algorithmOf(curve), true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const fields: PairingSecretFields = {
    v: 1,
    curve,
    privateKey: toBase64url(pkcs8),
    publicKey: toBase64url(raw),
    nonce: toBase64url(randomBytes(NONCE_BYTES)),
  };
  pkcs8.fill(0);
  return fields;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

export async function commitmentOf(curve: PairingCurve, publicKey: string, nonce: string) {
  return toBase64url(await sha256(label(LABELS.commitment, curve, publicKey, nonce)));
}

export interface Transcript {
  /** SHA-256 of the transcript: HKDF salt, confirmation input and bundle AAD. */
  hash: Uint8Array<ArrayBuffer>;
}

export async function transcriptOf(
  curve: PairingCurve,
  context: PairingContext,
  commitment: string,
  newDevice: { publicKey: string; nonce: string },
  existingDevice: { publicKey: string; nonce: string },
): Promise<Transcript> {
  // Public keys and nonces enter as canonical base64url: one byte string, one text.
  const transcript = label(
    LABELS.transcript,
    curve,
    context.accountId,
    context.pairingId,
    context.newDeviceId,
    context.existingDeviceId,
    commitment,
    newDevice.publicKey,
    newDevice.nonce,
    existingDevice.publicKey,
    existingDevice.nonce,
  );
  return { hash: await sha256(transcript) };
}

export async function sharedSecret(
  curve: PairingCurve,
  privateKey: CryptoKey,
  peer: CryptoKey,
): Promise<CryptoKey> {
  let bits: Uint8Array;
  try {
    bits = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: algorithmOf(curve).name, public: peer } as EcdhKeyDeriveParams,
        privateKey,
        SHARED_SECRET_BITS,
      ),
    );
  } catch {
    // X25519 with a low-order point: the platform refuses the all-zero output.
    fail('pairing_invalid', `${curve} public key gives no usable shared secret`);
  }
  try {
    if (bits.every((byte) => byte === 0)) {
      fail('pairing_invalid', `${curve} public key gives no usable shared secret`);
    }
    return await importHkdfKey(bits);
  } finally {
    bits.fill(0);
  }
}

export async function confirmationOf(base: CryptoKey, transcript: Transcript): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: transcript.hash, info: label(LABELS.confirmKey) },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

export function confirmationInput(transcript: Transcript): Uint8Array<ArrayBuffer> {
  return concatBytes(label(LABELS.confirmation, 'new-device'), transcript.hash);
}

/**
 * What N's MAC covers once its person confirmed the code. A label of its own: the reveal's MAC
 * (sent before anyone looked at a screen) can never stand in for it.
 */
export function personConfirmationInput(transcript: Transcript): Uint8Array<ArrayBuffer> {
  return concatBytes(label(LABELS.confirmation, 'new-device-confirmed'), transcript.hash);
}

/** 6 decimal digits, "123 456". 64 bits mod 10^6: the bias is below 2^-44. */
export async function codeOf(base: CryptoKey, transcript: Transcript): Promise<string> {
  const bytes = await hkdfBytes(base, label(LABELS.code), 8, transcript.hash);
  const value = new DataView(bytes.buffer).getBigUint64(0) % 10n ** BigInt(CODE_DIGITS);
  const digits = value.toString().padStart(CODE_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

export function bundleKeyOf(base: CryptoKey, transcript: Transcript): Promise<CryptoKey> {
  return hkdfAesKey(base, label(LABELS.bundleKey), transcript.hash);
}
