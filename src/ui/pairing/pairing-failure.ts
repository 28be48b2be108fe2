import type { ErrorInfo } from '../../host/contract';

/** Why a pairing ended without the key changing hands: shown where the pairing was. */
const FAILURES = new Set([
  'pairing_denied',
  'pairing_expired',
  'pairing_failed',
  'pairing_code_mismatch',
  'pairing_code_attempts',
  'unsupported_curve',
]);

export function pairingFailure(error: ErrorInfo | null): ErrorInfo | null {
  return error && FAILURES.has(error.code) ? error : null;
}
