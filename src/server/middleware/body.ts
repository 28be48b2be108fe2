/**
 * Reads and validates request bodies against the protocol's schemas. Each failure has its own
 * code: unsupported_media_type, malformed_json, invalid_request (with per-field `errors`).
 */
import type { Context } from 'hono';
import type * as v from 'valibot';
import { type ValidationIssue, validate } from '../../protocol';
import type { AppEnv } from '../context';
import { HttpProblem, OAuthFailure } from '../errors';

function mediaType(c: Context<AppEnv>): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
}

/**
 * Path of the first string holding a NUL character: PostgreSQL text cannot store one, and no
 * field of the protocol needs it.
 */
function nulPath(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const found = nulPath(item, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

function rejectNul(value: unknown, asOAuth: boolean): void {
  const path = nulPath(value);
  if (path === null) return;
  const detail = `${path || '(body)'}: must not contain NUL characters`;
  if (asOAuth) throw new OAuthFailure('invalid_request', detail);
  throw new HttpProblem('invalid_request', detail, {
    errors: [{ path, message: 'must not contain NUL characters' }],
  });
}

async function parseJsonText(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new HttpProblem('malformed_json', 'The request body is empty.');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem('malformed_json', 'The request body is not valid JSON.');
  }
}

/** A JSON body validated against `schema`. */
export async function readJson<S extends v.GenericSchema>(
  c: Context<AppEnv>,
  schema: S,
): Promise<v.InferOutput<S>> {
  const type = mediaType(c);
  if (type !== 'application/json') {
    throw new HttpProblem(
      'unsupported_media_type',
      `Send the body as application/json (got ${type || 'no Content-Type'}).`,
    );
  }
  const body = await parseJsonText(c);
  rejectNul(body, false);
  const result = validate(schema, body);
  if (!result.ok) {
    throw new HttpProblem('invalid_request', describeIssues(result.issues), {
      errors: result.issues,
    });
  }
  return result.value;
}

/** An application/x-www-form-urlencoded body; a repeated field is refused (RFC 6749 §3.2). */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const type = mediaType(c);
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpProblem(
      'unsupported_media_type',
      `Send the form as application/x-www-form-urlencoded (got ${type || 'no Content-Type'}).`,
    );
  }
  const params = new URLSearchParams(await c.req.text());
  const fields: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in fields) {
      throw new HttpProblem('invalid_request', `The field "${key}" is repeated.`, {
        errors: [{ path: key, message: 'must appear once' }],
      });
    }
    fields[key] = value;
  }
  return fields;
}

/**
 * The parameters of an OAuth request, sent as a form (what RFC 6749 and RFC 8628 specify) or as
 * JSON. Form requests follow RFC 6749 §3.1 and ignore parameters the endpoint does not know;
 * JSON bodies are strict like every other JSON body.
 */
export async function readOAuthParams(
  c: Context<AppEnv>,
  known: readonly string[],
): Promise<unknown> {
  const type = mediaType(c);
  if (type === 'application/json') return parseJsonText(c);
  const form = await readForm(c);
  return Object.fromEntries(Object.entries(form).filter(([key]) => known.includes(key)));
}

/** Validates OAuth parameters; failures are OAuth invalid_request errors. */
export function validateOAuth<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): v.InferOutput<S> {
  rejectNul(input, true);
  const result = validate(schema, input);
  if (!result.ok) throw new OAuthFailure('invalid_request', describeIssues(result.issues));
  return result.value;
}
