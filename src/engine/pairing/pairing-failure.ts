/**
 * How a pairing step's crypto failure reaches the person: one PairingError code each, so the UI
 * can say what happened and what to do (src/ui/error-messages.ts).
 */
import { CryptoError } from '../crypto';
import { PairingError } from '../errors';

/** Wrong codes E accepts before it ends the pairing: enough for typos, not for guessing. */
export const MAX_WRONG_CODES = 3;

export function cryptoFailure(error: unknown): never {
  if (error instanceof CryptoError) {
    if (error.code === 'pairing_expired')
      throw new PairingError('pairing_expired', 'The pairing request expired: start again');
    if (error.code === 'pairing_code_mismatch')
      throw new PairingError(
        'pairing_code_mismatch',
        'The codes do not match: the pairing was refused',
      );
    if (error.code === 'unsupported_curve')
      throw new PairingError(
        'unsupported_curve',
        'This browser cannot do the key exchange the new device asked for',
        error,
      );
    throw new PairingError(
      'pairing_failed',
      'The pairing could not be verified (keys were altered or replayed): it was refused',
      error,
    );
  }
  throw error;
}

export function wrongCode(peer: string, left: number): PairingError {
  return new PairingError(
    'pairing_code_mismatch',
    `That is not the code ${peer} shows: check it and type it again (${left} ${left === 1 ? 'try' : 'tries'} left)`,
  );
}

export function tooManyWrongCodes(): PairingError {
  return new PairingError(
    'pairing_code_attempts',
    `${MAX_WRONG_CODES} wrong codes: the pairing was ended and nothing was sent`,
  );
}

/** A bundle before N's person confirmed: an honest E never seals that early, so it is forged. */
export function unconfirmedBundle(): PairingError {
  return new PairingError(
    'pairing_failed',
    'A key bundle arrived before the code was confirmed on this device: it was refused',
  );
}
