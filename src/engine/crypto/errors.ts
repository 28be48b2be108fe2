/**
 * Every failure of the crypto module is a CryptoError with a stable `code` the engine can act
 * on (quarantine a record, ask for the secret again, ...). Messages are for people and logs, so
 * they never contain key material, passphrases, recovery keys or plaintexts.
 */
export type CryptoErrorCode =
  /** Authentication failed: the ciphertext, its header or its binding (AAD) was altered. */
  | 'tampered'
  /** Sealed under a key these AccountKeys do not hold (other epoch, account or master). */
  | 'wrong_key'
  /** Authentic, but sealed for another revision than the one it is served as (a replay). */
  | 'stale_revision'
  /** Not a structurally valid envelope (bad base64url, too short, unknown layout). */
  | 'envelope_invalid'
  /** Written by a newer format version than this code understands. */
  | 'unsupported_version'
  /** The recovery key text cannot be a recovery key (length, characters, checksum). */
  | 'invalid_recovery_key'
  /** The recovery key or passphrase does not open the key document. */
  | 'wrong_secret'
  /** The key document is malformed, altered, or below the security floor. */
  | 'key_document_invalid'
  /** The passphrase is too short to be offered as a way to unlock the account. */
  | 'weak_passphrase'
  /** The passphrase is long enough but easy to guess (zxcvbn score below 3); the message says why. */
  | 'guessable_passphrase'
  /** A programming error on the caller's side (bad key length, unserialisable plaintext, ...). */
  | 'invalid_argument'
  /** The key document has no recipient entry for this device (left out of a rotation). */
  | 'not_a_recipient'
  /** Pairing: the revealed public key and nonce do not open the new device's commitment. */
  | 'pairing_commitment_mismatch'
  /** Pairing: the new device's confirmation MAC over the transcript does not verify. */
  | 'pairing_confirmation_invalid'
  /** Pairing: the code the person confirmed is not the code this device computed. */
  | 'pairing_code_mismatch'
  /** Pairing: the pairing's `expiresAt` has passed (by the caller's clock). */
  | 'pairing_expired'
  /** Pairing: the sealed bundle does not authenticate for this pairing (altered, replayed, MITM). */
  | 'pairing_tampered'
  /** Pairing: a message from the other side is malformed (base64url, length, not a curve point). */
  | 'pairing_invalid'
  /** Pairing: the curve is unknown, or this platform's WebCrypto lacks it. */
  | 'unsupported_curve';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** WebCrypto reports a failed AES-GCM tag check as an OperationError; anything else is a bug. */
export function isAuthenticationFailure(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'OperationError'
  );
}
