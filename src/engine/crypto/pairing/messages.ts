/**
 * What the two pairing devices exchange and keep, and how each is checked on the way in: the
 * curves, the context both learn from the server, each side's stored secret, the offer and the
 * reveal. Whatever comes from the other side (through the untrusted relay) is `pairing_invalid`
 * when malformed; an own secret or context that is malformed is a caller bug,
 * `invalid_argument`. The steps that use these are in index.ts.
 */
import { fromBase64url } from '../../../protocol/base64url';
import { CryptoError } from '../errors';

export type PairingCurve = 'P-256' | 'X25519';

export const PAIRING_CURVES: readonly PairingCurve[] = ['P-256', 'X25519'];

export const NONCE_BYTES = 32;
export const HASH_BYTES = 32;
const MAX_ID_LENGTH = 256;
const PUBLIC_KEY_BYTES: Record<PairingCurve, number> = { 'P-256': 65, X25519: 32 };

/** What both devices learn about the pairing from the server, plus the caller's clock. */
export interface PairingContext {
  accountId: string;
  pairingId: string;
  newDeviceId: string;
  existingDeviceId: string;
  /** Milliseconds since the epoch; at or after it, every step refuses (`pairing_expired`). */
  expiresAt: number;
  /** The caller's clock, milliseconds since the epoch. */
  now: number;
}

export interface PairingSecretFields {
  v: 1;
  curve: PairingCurve;
  /** PKCS#8 of the ephemeral private key, base64url. Never leaves the device. */
  privateKey: string;
  /** Own ephemeral public key (raw encoding), base64url. */
  publicKey: string;
  /** Own 32-byte random nonce, base64url. */
  nonce: string;
}

/** The new device's state between startPairing and openPairingBundle (structured-cloneable). */
export interface NewDevicePairingSecret extends PairingSecretFields {
  role: 'new-device';
}

/** The existing device's state between offerPairing and sealPairingBundle. */
export interface ExistingDevicePairingSecret extends PairingSecretFields {
  role: 'existing-device';
}

/** Step 2, E → N: E's ephemeral public key and nonce, base64url. */
export interface PairingOffer {
  publicKey: string;
  nonce: string;
}

/** Step 3, N → E: the opening of N's commitment and N's MAC over the transcript. */
export interface PairingReveal {
  publicKey: string;
  nonce: string;
  confirmation: string;
}

export function fail(code: 'pairing_invalid' | 'invalid_argument', message: string): never {
  throw new CryptoError(code, message);
}

// ---------------------------------------------------------------------------------------------
// Curves

let x25519Support: Promise<boolean> | undefined;

/** Whether this platform's WebCrypto does X25519 (Node 20, Chromium 133+, Firefox 130+). */
export function supportsX25519(): Promise<boolean> {
  x25519Support ??= crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']).then(
    () => true,
    () => false,
  );
  return x25519Support;
}

export function algorithmOf(curve: PairingCurve): Algorithm | EcKeyImportParams {
  return curve === 'X25519' ? { name: 'X25519' } : { name: 'ECDH', namedCurve: 'P-256' };
}

function assertCurve(curve: unknown): asserts curve is PairingCurve {
  if (!PAIRING_CURVES.includes(curve as PairingCurve)) {
    throw new CryptoError('unsupported_curve', 'pairing curve must be "P-256" or "X25519"');
  }
}

export async function assertCurveAvailable(curve: unknown): Promise<PairingCurve> {
  assertCurve(curve);
  if (curve === 'X25519' && !(await supportsX25519())) {
    throw new CryptoError('unsupported_curve', 'this platform does not support X25519');
  }
  return curve;
}

// ---------------------------------------------------------------------------------------------
// Decoding and validation of what comes from the other side

export function decodeField(text: unknown, bytes: number, what: string): Uint8Array<ArrayBuffer> {
  const decoded = typeof text === 'string' ? fromBase64url(text) : null;
  if (decoded === null) fail('pairing_invalid', `${what} is not base64url`);
  if (decoded.length !== bytes) fail('pairing_invalid', `${what} must be ${bytes} bytes`);
  return decoded;
}

export async function importPeerPublicKey(curve: PairingCurve, text: unknown): Promise<CryptoKey> {
  const raw = decodeField(text, PUBLIC_KEY_BYTES[curve], `${curve} public key`);
  if (curve === 'P-256' && raw[0] !== 0x04) {
    fail('pairing_invalid', 'P-256 public key must be an uncompressed point');
  }
  try {
    return await crypto.subtle.importKey('raw', raw, algorithmOf(curve), true, []);
  } catch {
    fail('pairing_invalid', `${curve} public key is not a valid point`);
  }
}

export function assertObject(
  value: unknown,
  what: string,
): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) fail('pairing_invalid', `${what} is missing`);
}

export function assertContext(context: unknown): asserts context is PairingContext {
  if (typeof context !== 'object' || context === null) {
    fail('invalid_argument', 'pairing context is missing');
  }
  const c = context as Record<string, unknown>;
  for (const field of ['accountId', 'pairingId', 'newDeviceId', 'existingDeviceId'] as const) {
    const value = c[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
      fail('invalid_argument', `pairing context ${field} must be a non-empty string`);
    }
  }
  for (const field of ['expiresAt', 'now'] as const) {
    if (typeof c[field] !== 'number' || !Number.isFinite(c[field])) {
      fail('invalid_argument', `pairing context ${field} must be a finite number (ms)`);
    }
  }
}

export function assertNotExpired(context: PairingContext): void {
  if (context.now >= context.expiresAt) {
    throw new CryptoError('pairing_expired', 'the pairing has expired');
  }
}

/** Own secrets come back from storage: check their shape, and report a caller bug if wrong. */
export async function loadSecret(
  secret: unknown,
  role: 'new-device' | 'existing-device',
): Promise<{ curve: PairingCurve; privateKey: CryptoKey; publicKey: string; nonce: string }> {
  if (typeof secret !== 'object' || secret === null) {
    fail('invalid_argument', `${role} pairing secret is missing`);
  }
  const s = secret as Record<string, unknown>;
  if (s.v !== 1 || s.role !== role) {
    fail('invalid_argument', `not a ${role} pairing secret`);
  }
  const curve = await assertCurveAvailable(s.curve);
  const publicKey = s.publicKey;
  const nonce = s.nonce;
  const pkcs8 = typeof s.privateKey === 'string' ? fromBase64url(s.privateKey) : null;
  if (
    typeof publicKey !== 'string' ||
    fromBase64url(publicKey)?.length !== PUBLIC_KEY_BYTES[curve] ||
    typeof nonce !== 'string' ||
    fromBase64url(nonce)?.length !== NONCE_BYTES ||
    pkcs8 === null
  ) {
    fail('invalid_argument', `${role} pairing secret is malformed`);
  }
  try {
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, algorithmOf(curve), false, [
      'deriveBits',
    ]);
    return { curve, privateKey, publicKey, nonce };
  } catch {
    fail('invalid_argument', `${role} pairing secret holds no valid private key`);
  } finally {
    pkcs8.fill(0);
  }
}
