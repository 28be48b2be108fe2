/**
 * Stable machine codes for every error the sync server answers with.
 * The server sends them in RFC 9457 problem+json bodies (`code`), the client maps them to
 * human sentences. Never rename a code: clients in the wild match on it.
 */
export const PROBLEM_STATUS = {
  malformed_json: 400,
  invalid_request: 400,
  invalid_cursor: 400,
  missing_token: 401,
  invalid_token: 401,
  token_expired: 401,
  forbidden: 403,
  /** The server's owner disabled the account: nothing syncs until it is enabled again. */
  account_disabled: 403,
  not_found: 404,
  method_not_allowed: 405,
  key_mismatch: 409,
  key_document_missing: 409,
  pairing_state: 409,
  /** Admin API: the owner's own account cannot be disabled or deleted. */
  owner_protected: 409,
  cursor_expired: 410,
  pairing_expired: 410,
  /** The server's owner deleted the account and everything it stored. */
  account_deleted: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  batch_too_large: 413,
  body_too_large: 413,
  unsupported_media_type: 415,
  precondition_required: 428,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

/** Base URI of the `type` member; `${PROBLEM_TYPE_BASE}${code}` documents each code. */
export const PROBLEM_TYPE_BASE = 'https://satchel.dev/problems/';

/** RFC 9457 problem details, with Satchel's extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
  /** For 413s: the limit that was exceeded, in its unit (bytes or ops). */
  limit?: number;
  /** For 413s: which advertised limit (a key of GET /v1/info `limits`) `limit` is. */
  limit_name?: 'max_payload_bytes' | 'max_batch_ops' | 'max_batch_bytes' | 'max_body_bytes';
  /** For invalid_request: where the body failed validation. */
  errors?: { path: string; message: string }[];
  /** For 429s: seconds until a retry may succeed (also sent as Retry-After). */
  retry_after?: number;
}

/**
 * OAuth 2.0 error codes (RFC 6749 §5.2, RFC 8628 §3.5, RFC 7009). The OAuth endpoints answer
 * `{error, error_description}` so that standard device-flow clients work; Satchel adds the
 * problem+json members beside them.
 */
export const OAUTH_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
  'unsupported_token_type',
] as const;

export type OAuthErrorCode = (typeof OAUTH_ERRORS)[number];

export interface OAuthError {
  error: OAuthErrorCode;
  error_description: string;
}

/**
 * An error body of the OAuth endpoints (/v1/auth/device, /v1/auth/token): the OAuth members for
 * standard clients plus the problem members. `code` is the OAuth error itself, or the problem
 * code when the request failed before OAuth processing (body too large, wrong media type, ...).
 */
export interface OAuthProblem extends OAuthError, Omit<Problem, 'code'> {
  code: OAuthErrorCode | ProblemCode | OAuthDetailCode;
}

/**
 * Finer causes an OAuth error may name in its `code` member while `error` stays the standard
 * one (RFC 6749 answers `invalid_grant` for it too): a refresh token past its idle or absolute
 * lifetime, so the device can say "signed out, sign in again" rather than "revoked"; an account
 * its server's owner disabled or deleted, so the device can say that.
 */
export const OAUTH_DETAIL_CODES = [
  'refresh_token_expired',
  'account_disabled',
  'account_deleted',
] as const;

export type OAuthDetailCode = (typeof OAUTH_DETAIL_CODES)[number];
