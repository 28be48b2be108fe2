/**
 * Pairing: an existing device E hands the account's key bundle to a new device N through an
 * untrusted relay. Commit-then-reveal ECDH with a short code the person compares on both
 * screens (like Bluetooth numeric comparison), so a relay that swaps keys is caught with
 * probability 1 - 10^-6 per attempt and cannot grind keys to make the codes match.
 * Design notes: ../README.md, "Pairing".
 *
 * Pure functions: every secret is a plain serialisable object the engine may persist
 * (IndexedDB) between steps, and the clock is the caller's (`context.now`). This file holds the
 * six steps and the bundle's sealing; messages.ts checks what the steps exchange and keep,
 * key-schedule.ts derives what they compute.
 */
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { bytesEqual, concatBytes, ownedCopy, randomBytes, utf8 } from '../bytes';
import { CryptoError, isAuthenticationFailure } from '../errors';
import {
  bundleKeyOf,
  codeOf,
  commitmentOf,
  confirmationInput,
  confirmationOf,
  newSecretFields,
  personConfirmationInput,
  sharedSecret,
  transcriptOf,
} from './key-schedule';
import {
  assertContext,
  assertCurveAvailable,
  assertNotExpired,
  assertObject,
  decodeField,
  type ExistingDevicePairingSecret,
  fail,
  HASH_BYTES,
  importPeerPublicKey,
  loadSecret,
  type NewDevicePairingSecret,
  NONCE_BYTES,
  type PairingContext,
  type PairingCurve,
  type PairingOffer,
  type PairingReveal,
} from './messages';

export {
  type ExistingDevicePairingSecret,
  type NewDevicePairingSecret,
  PAIRING_CURVES,
  type PairingContext,
  type PairingCurve,
  type PairingOffer,
  type PairingReveal,
  supportsX25519,
} from './messages';

export const PAIRING_BUNDLE_VERSION = 1;

const IV_BYTES = 12;
const TAG_BYTES = 16;

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

/** Constant-time (spaces ignored): whether a typed code is the one this device computed. */
export function codesMatch(expected: string, typed: string): boolean {
  return bytesEqual(utf8(normalizeCode(expected)), utf8(normalizeCode(typed)));
}

function assertCode(expected: string, confirmedCode: unknown): void {
  if (typeof confirmedCode !== 'string') fail('invalid_argument', 'confirmedCode must be a string');
  if (!codesMatch(expected, confirmedCode)) {
    throw new CryptoError('pairing_code_mismatch', 'the confirmed code is not this pairing’s code');
  }
}

/**
 * Step 4b (N), once its person confirmed the code on N: N's proof of that confirmation, for E
 * to check before it seals (as both "yes" presses in Bluetooth numeric comparison). Refuses a
 * code that is not this pairing's.
 */
export async function confirmPairing(
  nSecret: NewDevicePairingSecret,
  context: PairingContext,
  offer: PairingOffer,
  confirmedCode: string,
): Promise<string> {
  const { transcript, base } = await newDeviceSession(nSecret, context, offer);
  assertCode(await codeOf(base, transcript), confirmedCode);
  const mac = await crypto.subtle.sign(
    'HMAC',
    await confirmationOf(base, transcript),
    personConfirmationInput(transcript),
  );
  return toBase64url(new Uint8Array(mac));
}

/**
 * Step 5 (E), once the person typed N's code on E and N proved its person confirmed it.
 * `confirmedCode` is what was typed (spaces ignored); `newDeviceConfirmed` is confirmPairing's
 * MAC as relayed. Returns the sealed bundle, base64url.
 */
export async function sealPairingBundle(
  eSecret: ExistingDevicePairingSecret,
  context: PairingContext,
  commitment: string,
  reveal: PairingReveal,
  confirmedCode: string,
  newDeviceConfirmed: string,
  bundle: Uint8Array,
): Promise<string> {
  if (typeof confirmedCode !== 'string') fail('invalid_argument', 'confirmedCode must be a string');
  if (!(bundle instanceof Uint8Array)) fail('invalid_argument', 'bundle must be a Uint8Array');
  const { transcript, base } = await existingDeviceSession(eSecret, context, commitment, reveal);
  assertCode(await codeOf(base, transcript), confirmedCode);
  const proof = decodeField(newDeviceConfirmed, HASH_BYTES, 'new device confirmation');
  const confirmed = await crypto.subtle.verify(
    'HMAC',
    await confirmationOf(base, transcript),
    proof,
    personConfirmationInput(transcript),
  );
  if (!confirmed) {
    throw new CryptoError(
      'pairing_confirmation_invalid',
      'the new device did not confirm this pairing’s code',
    );
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
 * Step 6 (N): open E's sealed bundle. `offer` is the one revealPairing answered;
 * `confirmedCode` the code N's person confirmed, checked as sealPairingBundle checks it, so no
 * bundle opens before the person confirmed this pairing's code on N. Refuses a bundle that was
 * altered, sealed for another pairing or other keys, or arrives after expiry.
 */
export async function openPairingBundle(
  nSecret: NewDevicePairingSecret,
  context: PairingContext,
  offer: PairingOffer,
  sealed: string,
  confirmedCode: string,
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
  let opened: Uint8Array;
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(1, 1 + IV_BYTES), additionalData: transcript.hash },
      await bundleKeyOf(base, transcript),
      bytes.slice(1 + IV_BYTES),
    );
    opened = new Uint8Array(plaintext);
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
    throw new CryptoError(
      'pairing_tampered',
      'the sealed bundle does not authenticate for this pairing',
    );
  }
  // Checked after the AEAD so a forged bundle reads as tampered whatever was typed; the keys
  // leave this function only when the person's code is this pairing's too.
  try {
    assertCode(await codeOf(base, transcript), confirmedCode);
  } catch (error) {
    opened.fill(0);
    throw error;
  }
  return opened;
}
