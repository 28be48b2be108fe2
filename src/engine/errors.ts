/**
 * Every failure the engine reports is one of these classes with a stable `code`; UIs map codes
 * to sentences, so a code is never renamed. Messages never contain record values or secrets.
 */
import type { ProblemCode } from '../protocol';

export type InputErrorCode =
  | 'validation_failed'
  | 'unknown_collection'
  | 'record_not_found'
  | 'record_exists'
  | 'conflict_not_found'
  | 'revision_not_found'
  | 'invalid_resolution'
  | 'invalid_settings'
  | 'invalid_server_url'
  | 'insecure_server_url'
  | 'no_decision_pending'
  | 'cannot_revoke_self'
  | 'nothing_to_revoke'
  /** "Restore mine" on a replaced edit this device no longer has a note of. */
  | 'no_replaced_edit'
  | 'replaced_edit_changed';

export type StateErrorCode =
  | 'not_signed_in'
  | 'already_signed_in'
  | 'sign_in_in_progress'
  | 'no_sign_in_pending'
  | 'locked'
  | 'key_not_needed'
  | 'decision_required'
  | 'engine_closed'
  | 'rotation_in_progress'
  | 'pairing_in_progress'
  | 'no_pairing';

export type AuthErrorCode =
  | 'sign_in_denied'
  | 'sign_in_expired'
  | 'device_revoked'
  | 'session_expired'
  /**
   * The server refused the refresh token as past its idle or absolute lifetime: signed out, but
   * nobody removed this device, so key, data and pending edits stay for the next sign-in.
   * (`session_expired` is the access token refused, which a refresh normally cures.)
   */
  | 'session_lapsed'
  /**
   * The server says its owner disabled the account: automatic runs wait for the interval (no
   * backoff storm), nothing local is touched, and the next run that succeeds clears it.
   */
  | 'account_disabled'
  /** The server says its owner deleted the account: signed out, every local thing kept. */
  | 'account_deleted';

export type KeyErrorCode =
  | 'wrong_secret'
  | 'invalid_recovery_key'
  | 'weak_passphrase'
  | 'guessable_passphrase'
  | 'key_document_invalid'
  | 'key_changed'
  | 'key_missing'
  | 'key_document_conflict'
  | 'recovery_key_lost'
  /**
   * The server said the key changed (a 409, a record of a later epoch, a new document) but
   * showed nothing that verifies against this device's pins: the key is kept, the run retried.
   */
  | 'key_unverified'
  /** An unlock into a document older than, or not continuing, one this device verified. */
  | 'key_rollback';

export type NetworkErrorCode =
  | 'network_unreachable'
  | 'timeout'
  | 'bad_response'
  /** An answer larger than the protocol's limits allow: refused unread past the cap. */
  | 'response_too_large'
  /** `has_more` with a cursor that did not advance: the pull stops rather than loop. */
  | 'cursor_stuck'
  /** `/v1/info` limits outside sane floors and ceilings: refused at sign-in, nothing stored. */
  | 'limits_invalid'
  /** A token refresh answered for another account or device: refused, the session kept. */
  | 'identity_changed';

/** Codes that mean the server could not be reached, rather than that it answered wrongly. */
const UNREACHABLE: ReadonlySet<NetworkErrorCode> = new Set(['network_unreachable', 'timeout']);

export type ServerErrorCode =
  | 'request_rejected'
  | 'cursor_invalid'
  | 'server_not_found'
  | 'forbidden'
  | 'cursor_expired'
  | 'record_too_large'
  | 'batch_too_large'
  | 'rate_limited'
  | 'server_error'
  | 'server_unavailable'
  | 'unexpected_status'
  | 'pairing_expired'
  | 'pairing_state'
  /** A batch `ok` that cannot be true (its revision does not follow the op's base). */
  | 'ack_invalid'
  /** Records other devices' state manifests list were not served to this device (omission). */
  | 'records_withheld';

/** A pairing (a new device given the key by an existing one) that cannot go on. */
export type PairingErrorCode =
  | 'pairing_denied'
  | 'pairing_expired'
  | 'pairing_code_mismatch'
  /** E: the person typed a wrong code too many times; the pairing was ended. */
  | 'pairing_code_attempts'
  | 'pairing_failed'
  | 'unsupported_curve';

/** Why a remote record was quarantined instead of applied. */
export type RecordErrorCode =
  | 'record_tampered'
  | 'record_wrong_key'
  | 'record_envelope_invalid'
  | 'record_unsupported_version'
  | 'record_invalid_data'
  /** Authentic, but served as a revision it was not written as: a rollback or resurrection. */
  | 'record_replayed'
  /** Labelled with a later key epoch than any document this device verified: held until one is. */
  | 'record_unknown_epoch'
  /** Sealed under an epoch the key document retired: an old master cannot write any more. */
  | 'record_retired_epoch';

/** The device lock (src/engine/lock): its secrets are sealed at rest under a passphrase or PIN. */
export type LockErrorCode =
  /** The device is locked: nothing that needs its keys or tokens runs until it is unlocked. */
  | 'device_locked'
  /** The passphrase or PIN does not open this device's lock; nothing was changed. */
  | 'wrong_unlock_secret'
  /** Too many wrong tries: the next is allowed only after a pause that grows with each one. */
  | 'unlock_throttled'
  /** The lock is off on this device (nothing to lock or unlock). */
  | 'lock_not_set'
  /** A PIN shorter than the lock accepts. */
  | 'weak_pin'
  /** Unlocking with a passkey was asked for, but none was set up on this device. */
  | 'prf_not_set'
  /** The sealed secrets do not open under the data key that did: altered or damaged storage. */
  | 'vault_damaged'
  /** A record, conflict or earlier value sealed on this device does not open: altered storage. */
  | 'stored_row_damaged';
/**
 * The live stream's own troubles. Neither stops syncing (the timed sync goes on); they are shown
 * so "Live" is never claimed while it is not held.
 */
export type LiveErrorCode =
  /** The server sent a stream message that breaks the contract: ignored, the stream kept. */
  | 'live_message_refused'
  /** The stream failed several times in a row: syncs come from the timer until it is back. */
  | 'live_fallback';

/** Local storage failed (quota, browser wiped the database) or the engine has a bug. */
export type InternalErrorCode = 'storage_failed' | 'internal_error';

export type EngineErrorCode =
  | InternalErrorCode
  | InputErrorCode
  | StateErrorCode
  | AuthErrorCode
  | KeyErrorCode
  | NetworkErrorCode
  | ServerErrorCode
  | PairingErrorCode
  | RecordErrorCode
  | LockErrorCode
  | LiveErrorCode;

export class EngineError extends Error {
  override readonly name: string = 'EngineError';
  /** Whether retrying later, unchanged, may succeed (the sync loop backs off and retries). */
  readonly retriable: boolean;
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? false;
  }
}

export interface FieldIssue {
  /** Dotted path inside the record, e.g. `parameters.temperature`; empty for the whole record. */
  path: string;
  message: string;
}

export class ValidationError extends EngineError {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super('validation_failed', message);
  }
}

export class InputError extends EngineError {
  override readonly name = 'InputError';
  constructor(code: Exclude<InputErrorCode, 'validation_failed'>, message: string) {
    super(code, message);
  }
}

export class StateError extends EngineError {
  override readonly name = 'StateError';
  constructor(code: StateErrorCode, message: string) {
    super(code, message);
  }
}

export class LockError extends EngineError {
  override readonly name = 'LockError';
  constructor(
    code: LockErrorCode,
    message: string,
    /** For `unlock_throttled`: when the next try is allowed (epoch ms, the engine's clock). */
    readonly retryAt: number | null = null,
    cause?: unknown,
  ) {
    super(code, message, { cause });
  }
}

export class AuthError extends EngineError {
  override readonly name = 'AuthError';
  constructor(code: AuthErrorCode, message: string) {
    super(code, message);
  }
}

export class KeyError extends EngineError {
  override readonly name = 'KeyError';
  constructor(code: KeyErrorCode, message: string, cause?: unknown) {
    // An unverified key change is the server's to fix: retry with backoff, the key kept.
    super(code, message, { cause, retriable: code === 'key_unverified' });
  }
}

export class NetworkError extends EngineError {
  override readonly name = 'NetworkError';
  constructor(code: NetworkErrorCode, message: string, cause?: unknown) {
    super(code, message, { retriable: UNREACHABLE.has(code), cause });
  }

  /** Unreachable (the device is offline, for all it knows) rather than answered wrongly. */
  get unreachable(): boolean {
    return UNREACHABLE.has(this.code as NetworkErrorCode);
  }
}

export class ServerError extends EngineError {
  override readonly name = 'ServerError';
  constructor(
    code: ServerErrorCode,
    message: string,
    readonly status: number,
    /** The server's own problem code, kept so support can tell the exact cause. */
    readonly serverCode: string | null,
    /** Milliseconds the server asked us to wait (Retry-After), if any. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(code, message, { retriable: RETRIABLE_SERVER_CODES.has(code) });
  }
}

export class PairingError extends EngineError {
  override readonly name = 'PairingError';
  constructor(code: PairingErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}

export class RecordError extends EngineError {
  override readonly name = 'RecordError';
  constructor(code: RecordErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}

const RETRIABLE_SERVER_CODES = new Set<ServerErrorCode>([
  'ack_invalid',
  'rate_limited',
  'server_error',
  'server_unavailable',
  'unexpected_status',
]);

/**
 * How each protocol problem code surfaces. A `Record` over ProblemCode, so a code added to the
 * protocol without a mapping here is a compile error. Auth and key codes are listed for
 * completeness: the transport turns them into AuthError/KeyError before this table is used.
 */
export const PROBLEM_TO_ENGINE: Record<ProblemCode, EngineErrorCode> = {
  malformed_json: 'request_rejected',
  invalid_request: 'request_rejected',
  invalid_cursor: 'cursor_invalid',
  missing_token: 'session_expired',
  invalid_token: 'session_expired',
  token_expired: 'session_expired',
  forbidden: 'forbidden',
  account_disabled: 'account_disabled',
  account_deleted: 'account_deleted',
  not_found: 'server_not_found',
  method_not_allowed: 'request_rejected',
  key_mismatch: 'key_changed',
  key_document_missing: 'key_missing',
  cursor_expired: 'cursor_expired',
  precondition_failed: 'key_document_conflict',
  payload_too_large: 'record_too_large',
  batch_too_large: 'batch_too_large',
  body_too_large: 'batch_too_large',
  unsupported_media_type: 'request_rejected',
  precondition_required: 'request_rejected',
  rate_limited: 'rate_limited',
  internal_error: 'server_error',
  unavailable: 'server_unavailable',
  pairing_expired: 'pairing_expired',
  pairing_state: 'pairing_state',
  // Admin API only; a device never gets it.
  owner_protected: 'request_rejected',
};

/** Turns anything thrown into an EngineError without losing the original as `cause`. */
export function asEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const storage =
    error instanceof Error &&
    /^(Quota|Abort|Unknown|InvalidState|Version|Constraint|Data)Error$/.test(error.name);
  return new EngineError(
    storage ? 'storage_failed' : 'internal_error',
    `Unexpected failure: ${message}`,
    {
      cause: error,
    },
  );
}
