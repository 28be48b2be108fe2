/**
 * The OAuth endpoints answer every failure in OAuth's form, including those that happen before
 * OAuth processing (bad JSON, wrong media type, oversized body), so a standard device-flow client
 * always finds an `error` it knows. Each keeps its problem status and code beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../testing';
import { call } from './helpers';

const MAX_BODY_BYTES = 4096;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ config: { maxBodyBytes: MAX_BODY_BYTES } });
});
afterAll(() => server.close());

const CASES = [
  {
    name: 'bad JSON',
    body: '{"grant_type":',
    contentType: 'application/json',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'a JSON array',
    body: '[]',
    contentType: 'application/json',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'text/plain',
    body: 'grant_type=refresh_token',
    contentType: 'text/plain',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a body over max_body_bytes',
    body: `client_id=${'x'.repeat(MAX_BODY_BYTES)}`,
    contentType: 'application/x-www-form-urlencoded',
    status: 413,
    code: 'body_too_large',
  },
] as const;

describe.each(['/v1/auth/device', '/v1/auth/token'])('%s', (path) => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: OAuth invalid_request beside the problem',
    async (_name, c) => {
      const result = await call(server.url, path, {
        method: 'POST',
        body: c.body,
        headers: { 'content-type': c.contentType },
      });
      expect(result.status).toBe(c.status);
      expect(result.headers.get('content-type')).toMatch(/^application\/json/);
      expect(result.headers.get('cache-control')).toBe('no-store');
      expect(result.body).toMatchObject({
        error: 'invalid_request',
        error_description: expect.any(String),
        code: c.code,
        status: c.status,
      });
      if (c.code === 'body_too_large') {
        expect(result.body).toMatchObject({ limit: MAX_BODY_BYTES, limit_name: 'max_body_bytes' });
      }
    },
  );
});
