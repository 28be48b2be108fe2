/**
 * One HTTP exchange with the sync server through the injected fetch: timeouts through the
 * injected scheduler, every failure turned into a coded EngineError, every body read up to a
 * cap (`response_too_large` past it) and every success body validated against its protocol
 * schema (a malformed reply is `bad_response`, never a crash).
 */
import type * as v from 'valibot';
import {
  OAUTH_DETAIL_CODES,
  OAUTH_ERRORS,
  type OAuthDetailCode,
  type OAuthErrorCode,
  PROBLEM_STATUS,
  type ProblemCode,
  validate,
} from '../../protocol';
import type { FetchLike, Scheduler } from '../deps';
import {
  AuthError,
  EngineError,
  type EngineErrorCode,
  KeyError,
  type KeyErrorCode,
  NetworkError,
  PROBLEM_TO_ENGINE,
  ServerError,
  type ServerErrorCode,
} from '../errors';
import { readBounded } from './read-body';
import { DEFAULT_RESPONSE_CAP } from './response-caps';
import type { ServerClock } from './server-clock';

export interface RequestSpec<S extends v.GenericSchema | null> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  accessToken?: string;
  /** Schema of the success body; null when none is expected. */
  schema: S;
  /** Most bytes of the answer read (decoded); more is `response_too_large`. */
  maxBytes?: number;
}

export interface HttpReply<T> {
  status: number;
  headers: Headers;
  value: T;
}

type Output<S> = S extends v.GenericSchema ? v.InferOutput<S> : null;

/** An OAuth endpoint's `{error}` answer; the auth layer decides what each means in context. */
export class OAuthProblem extends EngineError {
  override readonly name = 'OAuthProblem';
  constructor(
    readonly oauthCode: OAuthErrorCode,
    readonly status: number,
    /** The finer cause the server named beside the standard code, when it is one we know. */
    readonly detailCode: OAuthDetailCode | null = null,
  ) {
    super(OAUTH_TO_ENGINE[oauthCode], `The server answered ${oauthCode}`, {
      retriable: oauthCode === 'authorization_pending' || oauthCode === 'slow_down',
    });
  }
}

const OAUTH_TO_ENGINE: Record<OAuthErrorCode, EngineErrorCode> = {
  authorization_pending: 'sign_in_expired',
  slow_down: 'rate_limited',
  access_denied: 'sign_in_denied',
  expired_token: 'sign_in_expired',
  invalid_grant: 'device_revoked',
  invalid_request: 'request_rejected',
  invalid_client: 'request_rejected',
  unauthorized_client: 'request_rejected',
  unsupported_grant_type: 'request_rejected',
  unsupported_token_type: 'request_rejected',
};

const SERVER_CODES = new Set<EngineErrorCode>([
  'request_rejected',
  'cursor_invalid',
  'server_not_found',
  'forbidden',
  'cursor_expired',
  'record_too_large',
  'batch_too_large',
  'rate_limited',
  'server_error',
  'server_unavailable',
  'unexpected_status',
  'pairing_expired',
  'pairing_state',
]);

function parseRetryAfter(
  headers: Headers,
  body: Record<string, unknown> | null,
  now: number,
): number | null {
  const header = headers.get('retry-after');
  if (header !== null) {
    if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const fromBody = body?.retry_after;
  return typeof fromBody === 'number' && fromBody >= 0 ? fromBody * 1000 : null;
}

function isProblemCode(code: unknown): code is ProblemCode {
  return typeof code === 'string' && Object.hasOwn(PROBLEM_STATUS, code);
}

function statusCode(status: number): ServerErrorCode {
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'server_unavailable';
  if (status >= 500) return 'server_error';
  if (status === 404) return 'server_not_found';
  return 'unexpected_status';
}

/** Maps a non-2xx answer to its engine error. */
function errorFromResponse(
  status: number,
  headers: Headers,
  body: unknown,
  now: number,
): EngineError {
  const object =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
  const retryAfterMs = parseRetryAfter(headers, object, now);
  if (
    object &&
    typeof object.error === 'string' &&
    (OAUTH_ERRORS as readonly string[]).includes(object.error)
  ) {
    const detail = (OAUTH_DETAIL_CODES as readonly unknown[]).includes(object.code)
      ? (object.code as OAuthDetailCode)
      : null;
    return new OAuthProblem(object.error as OAuthErrorCode, status, detail);
  }
  if (object && isProblemCode(object.code)) {
    const code = PROBLEM_TO_ENGINE[object.code];
    const detail = typeof object.detail === 'string' ? object.detail.slice(0, 300) : object.code;
    if (code === 'session_expired')
      return new AuthError('session_expired', `The server refused the session: ${detail}`);
    if (code === 'account_disabled' || code === 'account_deleted')
      return new AuthError(code, `The server answered ${object.code}: ${detail}`);
    if (SERVER_CODES.has(code)) {
      return new ServerError(
        code as ServerErrorCode,
        `The server answered ${object.code}: ${detail}`,
        status,
        object.code,
        retryAfterMs,
      );
    }
    return new KeyError(code as KeyErrorCode, `The server answered ${object.code}: ${detail}`);
  }
  if (status === 401)
    return new AuthError('session_expired', 'The server refused the session (401)');
  return new ServerError(
    statusCode(status),
    `The server answered HTTP ${status}`,
    status,
    null,
    retryAfterMs,
  );
}

async function readJson(response: Response, cap: number, what: string): Promise<unknown> {
  const text = await readBounded(response, cap, what);
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class HttpTransport {
  /** Requests sent since creation: the activity log and tests count them. */
  requests = 0;

  constructor(
    private readonly fetch: FetchLike,
    private readonly scheduler: Scheduler,
    private readonly now: () => number,
    private readonly timeoutMs = 30_000,
    /** Learns the server's clock from every answer's Date header. */
    private readonly serverClock?: ServerClock,
  ) {}

  async send<S extends v.GenericSchema | null>(
    baseUrl: string,
    spec: RequestSpec<S>,
  ): Promise<HttpReply<Output<S>>> {
    const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
    if (spec.json !== undefined) headers['content-type'] = 'application/json';
    if (spec.accessToken) headers.authorization = `Bearer ${spec.accessToken}`;
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.scheduler.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let response: Response;
    let body: unknown;
    this.requests += 1;
    const sentAt = this.now();
    try {
      response = await this.fetch(`${baseUrl}${spec.path}`, {
        method: spec.method,
        headers,
        body: spec.json === undefined ? undefined : JSON.stringify(spec.json),
        signal: controller.signal,
      });
      this.serverClock?.observe(response.headers.get('date'), sentAt, this.now());
      // A problem answer is small whatever the endpoint; a success is bounded by what it carries.
      const cap = response.ok
        ? (spec.maxBytes ?? DEFAULT_RESPONSE_CAP)
        : Math.min(spec.maxBytes ?? DEFAULT_RESPONSE_CAP, DEFAULT_RESPONSE_CAP);
      body = await readJson(response, cap, `${spec.method} ${pathOnly(spec.path)}`);
    } catch (error) {
      if (error instanceof EngineError) throw error;
      if (timedOut)
        throw new NetworkError(
          'timeout',
          `No answer from the server within ${this.timeoutMs / 1000} s`,
          error,
        );
      throw new NetworkError('network_unreachable', 'The server could not be reached', error);
    } finally {
      this.scheduler.clearTimeout(timer);
    }
    if (!response.ok) throw errorFromResponse(response.status, response.headers, body, this.now());
    if (spec.schema === null)
      return { status: response.status, headers: response.headers, value: null as Output<S> };
    if (body === undefined) {
      throw new NetworkError(
        'bad_response',
        `The server's answer to ${spec.method} ${pathOnly(spec.path)} is not JSON`,
      );
    }
    const checked = validate(spec.schema, body);
    if (!checked.ok) {
      const where = checked.issues
        .slice(0, 3)
        .map((issue) => issue.path || '(body)')
        .join(', ');
      throw new NetworkError(
        'bad_response',
        `The server's answer to ${spec.method} ${pathOnly(spec.path)} is malformed at ${where}`,
      );
    }
    return {
      status: response.status,
      headers: response.headers,
      value: checked.value as Output<S>,
    };
  }
}

function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}
