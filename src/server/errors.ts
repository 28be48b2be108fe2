/**
 * Every error the server answers is an RFC 9457 problem (application/problem+json) with a stable
 * `code` from the protocol. The OAuth endpoints answer OAuth's `{error, error_description}` with
 * the problem members beside them, as application/json (RFC 6749 §5.2).
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import {
  type OAuthDetailCode,
  type OAuthErrorCode,
  type OAuthProblem,
  PROBLEM_STATUS,
  PROBLEM_TYPE_BASE,
  type Problem,
  type ProblemCode,
} from '../protocol';
import type { AppEnv } from './context';
import { describeError, type Logger } from './log';

const TITLES: Record<ProblemCode, string> = {
  malformed_json: 'Malformed JSON',
  invalid_request: 'Invalid request',
  invalid_cursor: 'Invalid cursor',
  missing_token: 'Missing access token',
  invalid_token: 'Invalid access token',
  token_expired: 'Access token expired',
  forbidden: 'Forbidden',
  account_disabled: 'Account disabled',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  key_mismatch: 'Key mismatch',
  key_document_missing: 'Key document missing',
  pairing_state: 'Pairing step refused',
  owner_protected: "The owner's account is protected",
  cursor_expired: 'Cursor expired',
  pairing_expired: 'Pairing expired',
  account_deleted: 'Account deleted',
  precondition_failed: 'Precondition failed',
  payload_too_large: 'Payload too large',
  batch_too_large: 'Batch too large',
  body_too_large: 'Body too large',
  unsupported_media_type: 'Unsupported media type',
  precondition_required: 'Precondition required',
  rate_limited: 'Too many requests',
  internal_error: 'Internal server error',
  unavailable: 'Service unavailable',
};

export type ProblemExtras = Pick<Problem, 'limit' | 'limit_name' | 'errors' | 'retry_after'>;

export class HttpProblem extends Error {
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extras: ProblemExtras = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = PROBLEM_STATUS[code];
  }

  toJSON(): Problem {
    return {
      type: `${PROBLEM_TYPE_BASE}${this.code}`,
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...this.extras,
    };
  }
}

const OAUTH_TITLES: Record<OAuthErrorCode, string> = {
  invalid_request: 'Invalid request',
  invalid_client: 'Unknown client',
  invalid_grant: 'Invalid grant',
  unauthorized_client: 'Unauthorized client',
  unsupported_grant_type: 'Unsupported grant type',
  authorization_pending: 'Authorization pending',
  slow_down: 'Slow down',
  access_denied: 'Access denied',
  expired_token: 'Expired device code',
  unsupported_token_type: 'Unsupported token type',
};

const DETAIL_TITLES: Record<OAuthDetailCode, string> = {
  refresh_token_expired: 'Refresh token expired',
  account_disabled: 'Account disabled',
  account_deleted: 'Account deleted',
};

/** An OAuth error of the device and token endpoints. */
export class OAuthFailure extends Error {
  readonly status: 400 | 401;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    /** A finer, stable cause for clients that know it; OAuth clients read `error`. */
    readonly detailCode?: OAuthDetailCode,
  ) {
    super(description);
    this.name = 'OAuthFailure';
    this.status = error === 'invalid_client' ? 401 : 400;
  }

  toJSON(): OAuthProblem {
    const code = this.detailCode ?? this.error;
    return {
      error: this.error,
      error_description: this.description,
      type: `${PROBLEM_TYPE_BASE}oauth/${code}`,
      title: this.detailCode ? DETAIL_TITLES[this.detailCode] : OAUTH_TITLES[this.error],
      status: this.status,
      code,
      detail: this.description,
    };
  }
}

/** A problem raised on an OAuth endpoint still carries an OAuth `error` for OAuth clients. */
function problemAsOAuth(problem: HttpProblem): OAuthProblem {
  return { error: 'invalid_request', error_description: problem.detail, ...problem.toJSON() };
}

function problemResponse(c: Context<AppEnv>, problem: HttpProblem): Response {
  const oauth = c.get('oauthEndpoint') === true;
  const body = oauth ? problemAsOAuth(problem) : problem.toJSON();
  const headers = new Headers(problem.headers);
  headers.set('Content-Type', oauth ? 'application/json' : 'application/problem+json');
  headers.set('Cache-Control', 'no-store');
  if (problem.extras.retry_after !== undefined) {
    headers.set('Retry-After', String(problem.extras.retry_after));
  }
  c.set('problemCode', problem.code);
  return new Response(JSON.stringify(body), { status: problem.status, headers });
}

function oauthResponse(c: Context<AppEnv>, failure: OAuthFailure): Response {
  c.set('problemCode', failure.detailCode ?? failure.error);
  const headers = new Headers({
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  });
  // RFC 6749 §5.2: a 401 invalid_client names the scheme the client should authenticate with.
  if (failure.status === 401) headers.set('WWW-Authenticate', 'Basic realm="satchel"');
  return new Response(JSON.stringify(failure.toJSON()), { status: failure.status, headers });
}

/** Turns anything thrown into a response; unknown errors become a detail-free 500. */
export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof HttpProblem) return problemResponse(c, error);
    if (error instanceof OAuthFailure) return oauthResponse(c, error);
    logger.error('unhandled error', { request_id: c.get('requestId'), ...describeError(error) });
    return problemResponse(
      c,
      new HttpProblem('internal_error', 'The server failed to answer this request; it was logged.'),
    );
  };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, new HttpProblem('not_found', `Nothing is at ${c.req.method} ${c.req.path}.`));

export function methodNotAllowedResponse(c: Context<AppEnv>, allowed: string[]): Response {
  return problemResponse(
    c,
    new HttpProblem(
      'method_not_allowed',
      `${c.req.method} is not allowed here; use ${allowed.join(', ')}.`,
      {},
      { Allow: allowed.join(', ') },
    ),
  );
}
