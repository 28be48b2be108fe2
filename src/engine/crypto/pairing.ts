/**
 * Pairing: an existing device E hands the account's key bundle to a new device N through an
 * untrusted relay. Commit-then-reveal ECDH with a short code the person compares on both
 * screens (like Bluetooth numeric comparison), so a relay that swaps keys is caught with
 * probability 1 - 10^-6 per attempt and cannot grind keys to make the codes match.
 * Design notes: README.md, "Pairing".
 *
 * Pure functions: every secret is a plain serialisable object the engine may persist
 * (IndexedDB) between steps, and the clock is the caller's (`context.now`).
 */
import { fromBase64url, toBase64url } from './base64url';
import { bytesEqual, concatBytes, label, ownedCopy, randomBytes, utf8 } from './bytes';
import { CryptoError, isAuthenticationFailure } from './errors';
import { hkdfAesKey, hkdfBytes, importHkdfKey } from './kdf';

export type PairingCurve = 'P-256' | 'X25519';

export const PAIRING_CURVES: readonly PairingCurve[] = ['P-256', 'X25519'];
export const PAIRING_BUNDLE_VERSION = 1;

const LABELS = {
  commitment: 'satchel/v1/pairing-commitment',
  transcript: 'satchel/v1/pairing',
  confirmKey: 'satchel/v1/pairing-confirm-key',
  confirmation: 'satchel/v1/pairing-confirmation',
  code: 'satchel/v1/pairing-code',
  bundleKey: 'satchel/v1/pairing-bundle-key',
} as const;

const NONCE_BYTES = 32;
const HASH_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SHARED_SECRET_BITS = 256;
const CODE_DIGITS = 6;
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

interface PairingSecretFields {
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

function fail(code: 'pairing_invalid' | 'invalid_argument', message: string): never {
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

function algorithmOf(curve: PairingCurve): Algorithm | EcKeyImportParams {
  return curve === 'X25519' ? { name: 'X25519' } : { name: 'ECDH', namedCurve: 'P-256' };
}

function assertCurve(curve: unknown): asserts curve is PairingCurve {
  if (!PAIRING_CURVES.includes(curve as PairingCurve)) {
    throw new CryptoError('unsupported_curve', 'pairing curve must be "P-256" or "X25519"');
  }
}

async function assertCurveAvailable(curve: unknown): Promise<PairingCurve> {
  assertCurve(curve);
  if (curve === 'X25519' && !(await supportsX25519())) {
    throw new CryptoError('unsupported_curve', 'this platform does not support X25519');
  }
  return curve;
}

// ---------------------------------------------------------------------------------------------
// Decoding and validation of what comes from the other side

function decodeField(text: unknown, bytes: number, what: string): Uint8Array<ArrayBuffer> {
  const decoded = typeof text === 'string' ? fromBase64url(text) : null;
  if (decoded === null) fail('pairing_invalid', `${what} is not base64url`);
  if (decoded.length !== bytes) fail('pairing_invalid', `${what} must be ${bytes} bytes`);
  return decoded;
}

async function importPeerPublicKey(curve: PairingCurve, text: unknown): Promise<CryptoKey> {
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

function assertObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) fail('pairing_invalid', `${what} is missing`);
}

function assertContext(context: unknown): asserts context is PairingContext {
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

function assertNotExpired(context: PairingContext): void {
  if (context.now >= context.expiresAt) {
    throw new CryptoError('pairing_expired', 'the pairing has expired');
  }
}

/** Own secrets come back from storage: check their shape, and report a caller bug if wrong. */
async function loadSecret(
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

// ---------------------------------------------------------------------------------------------
// Key pairs, commitment, transcript and derivations

async function newSecretFields(curve: PairingCurve): Promise<PairingSecretFields> {
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

async function commitmentOf(curve: PairingCurve, publicKey: string, nonce: string) {
  return toBase64url(await sha256(label(LABELS.commitment, curve, publicKey, nonce)));
}

interface Transcript {
  /** SHA-256 of the transcript: HKDF salt, confirmation input and bundle AAD. */
  hash: Uint8Array<ArrayBuffer>;
}

async function transcriptOf(
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

async function sharedSecret(
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

async function confirmationOf(base: CryptoKey, transcript: Transcript): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: transcript.hash, info: label(LABELS.confirmKey) },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

function confirmationInput(transcript: Transcript): Uint8Array<ArrayBuffer> {
  return concatBytes(label(LABELS.confirmation, 'new-device'), transcript.hash);
}

/** 6 decimal digits, "123 456". 64 bits mod 10^6: the bias is below 2^-44. */
async function codeOf(base: CryptoKey, transcript: Transcript): Promise<string> {
  const bytes = await hkdfBytes(base, label(LABELS.code), 8, transcript.hash);
  const value = new DataView(bytes.buffer).getBigUint64(0) % 10n ** BigInt(CODE_DIGITS);
  const digits = value.toString().padStart(CODE_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

function bundleKeyOf(base: CryptoKey, transcript: Transcript): Promise<CryptoKey> {
  return hkdfAesKey(base, label(LABELS.bundleKey), transcript.hash);
}

// ---------------------------------------------------------------------------------------------
// Steps

/** Step 1 (N). Publish only `commitment`; keep `secret` (it may be persisted). */
export async function startPairing(
  curve: PairingCurve = 'P-256',
): Promise<{ secret: NewDevicePairingSecret; commitment: string }> {
  const chosen = await assertCurveAvailable(curve);
  const secret: NewDevicePairingSecret = { role: 'new-device', ...(await newSecretFields(chosen)) };
  return { secret, commitment: await commitmentOf(chosen, secret.publicKey, secret.nonce) };
}

/** Step 2 (E), after receiving N's commitment and curve. Publish `offer`; keep `secret`. */
export async function offerPairing(
  curve: PairingCurve,
): Promise<{ secret: ExistingDevicePairingSecret; offer: PairingOffer }> {
  const chosen = await assertCurveAvailable(curve);
  const secret: ExistingDevicePairingSecret = {
    role: 'existing-device',
    ...(await newSecretFields(chosen)),
  };
  return { secret, offer: { publicKey: secret.publicKey, nonce: secret.nonce } };
}

/** What N derives from its secret and E's offer; shared by revealPairing and openPairingBundle. */
async function newDeviceSession(nSecret: unknown, context: unknown, offer: unknown) {
  assertContext(context);
  const own = await loadSecret(nSecret, 'new-device');
  assertNotExpired(context);
  assertObject(offer, 'pairing offer');
  const peer = await importPeerPublicKey(own.curve, offer.publicKey);
  decodeField(offer.nonce, NONCE_BYTES, 'offer nonce');
  const theirs = { publicKey: offer.publicKey as string, nonce: offer.nonce as string };
  if (theirs.publicKey === own.publicKey) fail('pairing_invalid', 'offer reflects our own key');
  const commitment = await commitmentOf(own.curve, own.publicKey, own.nonce);
  const transcript = await transcriptOf(own.curve, context, commitment, own, theirs);
  const base = await sharedSecret(own.curve, own.privateKey, peer);
  return { own, transcript, base };
}

/**
 * Step 3 (N), after receiving E's offer. Publish `reveal`; show `code`. The commitment was
 * published before E's key was known, so nobody could choose keys to steer the code.
 */
export async function revealPairing(
  nSecret: NewDevicePairingSecret,
  context: PairingContext,
  offer: PairingOffer,
): Promise<{ reveal: PairingReveal; code: string }> {
  const { own, transcript, base } = await newDeviceSession(nSecret, context, offer);
  const mac = await crypto.subtle.sign(
    'HMAC',
    await confirmationOf(base, transcript),
    confirmationInput(transcript),
  );
  return {
    reveal: {
      publicKey: own.publicKey,
      nonce: own.nonce,
      confirmation: toBase64url(new Uint8Array(mac)),
    },
    code: await codeOf(base, transcript),
  };
}

/** What E derives from its secret, N's commitment and N's reveal, all checks done. */
async function existingDeviceSession(
  eSecret: unknown,
  context: unknown,
  commitment: unknown,
  reveal: unknown,
) {
  assertContext(context);
  const own = await loadSecret(eSecret, 'existing-device');
  assertNotExpired(context);
  decodeField(commitment, HASH_BYTES, 'commitment');
  assertObject(reveal, 'pairing reveal');
  const peer = await importPeerPublicKey(own.curve, reveal.publicKey);
  decodeField(reveal.nonce, NONCE_BYTES, 'reveal nonce');
  const confirmation = decodeField(reveal.confirmation, HASH_BYTES, 'confirmation');
  const theirs = { publicKey: reveal.publicKey as string, nonce: reveal.nonce as string };
  if (theirs.publicKey === own.publicKey) fail('pairing_invalid', 'reveal reflects our own key');
  const opened = utf8(await commitmentOf(own.curve, theirs.publicKey, theirs.nonce));
  if (!bytesEqual(opened, utf8(commitment as string))) {
    throw new CryptoError(
      'pairing_commitment_mismatch',
      'the revealed key and nonce do not match the commitment',
    );
  }
  const transcript = await transcriptOf(own.curve, context, commitment as string, theirs, own);
  const base = await sharedSecret(own.curve, own.privateKey, peer);
  const valid = await crypto.subtle.verify(
    'HMAC',
    await confirmationOf(base, transcript),
    confirmation,
    confirmationInput(transcript),
  );
  if (!valid) {
    throw new CryptoError(
      'pairing_confirmation_invalid',
      'the new device did not confirm this pairing',
    );
  }
  return { transcript, base };
}

/** Step 4 (E), after receiving N's reveal: verify it, and get the code to show. */
export async function checkReveal(
  eSecret: ExistingDevicePairingSecret,
  context: PairingContext,
  commitment: string,
  reveal: PairingReveal,
): Promise<{ code: string }> {
  const { transcript, base } = await existingDeviceSession(eSecret, context, commitment, reveal);
  return { code: await codeOf(base, transcript) };
}

function normalizeCode(code: string): string {
  return code.replace(/\s/g, '');
}

/**
 * Step 5 (E), once the person confirmed that both screens show the same code. `confirmedCode`
 * is what they confirmed (spaces ignored). Returns the sealed bundle, base64url.
 */
export async function sealPairingBundle(
  eSecret: ExistingDevicePairingSecret,
  context: PairingContext,
  commitment: string,
  reveal: PairingReveal,
  confirmedCode: string,
  bundle: Uint8Array,
): Promise<string> {
  if (typeof confirmedCode !== 'string') fail('invalid_argument', 'confirmedCode must be a string');
  if (!(bundle instanceof Uint8Array)) fail('invalid_argument', 'bundle must be a Uint8Array');
  const { transcript, base } = await existingDeviceSession(eSecret, context, commitment, reveal);
  const code = normalizeCode(await codeOf(base, transcript));
  if (!bytesEqual(utf8(code), utf8(normalizeCode(confirmedCode)))) {
    throw new CryptoError('pairing_code_mismatch', 'the confirmed code is not this pairing’s code');
  }
  const iv = randomBytes(IV_BYTES);
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: transcript.hash },
    await bundleKeyOf(base, transcript),
    ownedCopy(bundle),
  );
  return toBase64url(
    concatBytes(Uint8Array.of(PAIRING_BUNDLE_VERSION), iv, new Uint8Array(ciphertext)),
  );
}

/**
 * Step 6 (N): open E's sealed bundle. `offer` is the one revealPairing answered. Refuses a
 * bundle that was altered, sealed for another pairing or other keys, or arrives after expiry.
 */
export async function openPairingBundle(
  nSecret: NewDevicePairingSecret,
  context: PairingContext,
  offer: PairingOffer,
  sealed: string,
): Promise<Uint8Array> {
  const { transcript, base } = await newDeviceSession(nSecret, context, offer);
  const bytes = typeof sealed === 'string' ? fromBase64url(sealed) : null;
  if (bytes === null) fail('pairing_invalid', 'sealed bundle is not base64url');
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES) fail('pairing_invalid', 'sealed bundle too short');
  if (bytes[0] !== PAIRING_BUNDLE_VERSION) {
    if ((bytes[0] as number) > PAIRING_BUNDLE_VERSION) {
      throw new CryptoError('unsupported_version', 'sealed bundle is from a newer version');
    }
    fail('pairing_invalid', 'sealed bundle has an unknown version');
  }
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(1, 1 + IV_BYTES), additionalData: transcript.hash },
      await bundleKeyOf(base, transcript),
      bytes.slice(1 + IV_BYTES),
    );
    return new Uint8Array(plaintext);
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
    throw new CryptoError(
      'pairing_tampered',
      'the sealed bundle does not authenticate for this pairing',
    );
  }
}
