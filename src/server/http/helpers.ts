/** Small helpers shared by the HTTP test files: authenticated requests and common fixtures. */
import type { BatchOp, TokenResponse } from '../../protocol';
import { type StartServerOptions, signInDevice, startServer, type TestServer } from '../testing';

export const OWNER = { username: 'owner', password: 'owner password 1' };
export const FINGERPRINT = 'fp_aaaaaaaaaaaaaaaaaaaa';

export interface Call {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
  body: any;
  text: string;
}

/** One request; the body is parsed as JSON when it is JSON. */
export async function call(
  url: string,
  path: string,
  init: {
    method?: string;
    token?: string;
    json?: unknown;
    body?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body,
    redirect: 'manual',
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** A server with one signed-in device (the owner's) and, optionally, a key document. */
export async function serverWithDevice(
  options: StartServerOptions & { keyDocument?: boolean } = {},
): Promise<{ server: TestServer; tokens: TokenResponse }> {
  const server = await startServer(options);
  const tokens = await signInDevice(server.url, {
    ...OWNER,
    deviceName: 'Laptop',
    platform: 'linux',
  });
  if (options.keyDocument) await putKeyDocument(server.url, tokens.access_token);
  return { server, tokens };
}

export async function putKeyDocument(
  url: string,
  token: string,
  fingerprint = FINGERPRINT,
): Promise<Call> {
  const result = await call(url, '/v1/keys', {
    method: 'PUT',
    token,
    headers: { 'if-none-match': '*' },
    json: { key_document: 'd3JhcHBlZA', key_fingerprint: fingerprint, epoch: 1 },
  });
  if (result.status !== 201)
    throw new Error(`PUT /v1/keys answered ${result.status}: ${result.text}`);
  return result;
}

let opCounter = 0;

/** A batch op with a fresh op_id; override any field. */
export function op(fields: Partial<BatchOp> = {}): BatchOp {
  opCounter++;
  return {
    collection: 'c0',
    id: `r${opCounter}`,
    base_rev: null,
    deleted: false,
    payload: 'c2VhbGVk',
    op_id: `op-${Date.now().toString(36)}-${opCounter}`,
    ...fields,
  };
}

export function batch(
  url: string,
  token: string,
  ops: BatchOp[],
  fingerprint = FINGERPRINT,
): Promise<Call> {
  return call(url, '/v1/batch', {
    method: 'POST',
    token,
    json: { key_fingerprint: fingerprint, ops },
  });
}

/** Asserts nothing about a problem body but returns its code, for tables of expectations. */
export function problemCode(result: Call): string | undefined {
  return result.body?.code;
}
