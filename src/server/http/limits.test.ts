/** Every advertised limit, and the 413 each one answers with its `limit`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Info, validate } from '../../protocol';
import type { TestServer } from '../testing';
import { batch, call, op, serverWithDevice } from './helpers';

const LIMITS = {
  maxPayloadBytes: 100,
  maxBatchOps: 3,
  maxBatchBytes: 250,
  maxBodyBytes: 2048,
  maxChangesLimit: 2,
};

let server: TestServer;
let token: string;
beforeAll(async () => {
  ({
    server,
    tokens: { access_token: token },
  } = await serverWithDevice({ config: LIMITS, keyDocument: true }));
});
afterAll(() => server.close());

const feed = () => call(server.url, '/v1/changes', { token });
const payload = (bytes: number) => 'A'.repeat(bytes);

describe('limits', () => {
  it('are advertised by GET /v1/info with the protocol version', async () => {
    const info = await call(server.url, '/v1/info');
    expect(info.status).toBe(200);
    expect(validate(Info, info.body).ok).toBe(true);
    expect(info.body).toMatchObject({
      protocol_version: 1,
      registration: 'first-user',
      limits: {
        max_payload_bytes: 100,
        max_batch_ops: 3,
        max_batch_bytes: 250,
        max_body_bytes: 2048,
        max_changes_limit: 2,
      },
    });
  });

  it('a payload over max_payload_bytes is 413 payload_too_large with the limit; nothing applies', async () => {
    const ok = await batch(server.url, token, [op({ id: 'at-limit', payload: payload(100) })]);
    expect(ok.status).toBe(200);
    const result = await batch(server.url, token, [
      op({ id: 'small' }),
      op({ id: 'big', payload: payload(101) }),
    ]);
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({
      code: 'payload_too_large',
      status: 413,
      limit: 100,
      limit_name: 'max_payload_bytes',
    });
    expect(result.body.detail).toContain('ops.1.payload');
    expect((await feed()).body.changes.map((c: { id: string }) => c.id)).toEqual(['at-limit']);
  });

  it('more ops than max_batch_ops is 413 batch_too_large with the limit', async () => {
    const result = await batch(server.url, token, [op(), op(), op(), op()]);
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({
      code: 'batch_too_large',
      limit: 3,
      limit_name: 'max_batch_ops',
    });
    expect((await feed()).body.changes).toHaveLength(1);
  });

  it('more payload bytes than max_batch_bytes is 413 batch_too_large with the limit', async () => {
    const result = await batch(server.url, token, [
      op({ payload: payload(100) }),
      op({ payload: payload(100) }),
      op({ payload: payload(51) }),
    ]);
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({
      code: 'batch_too_large',
      limit: 250,
      limit_name: 'max_batch_bytes',
    });
    expect((await feed()).body.changes).toHaveLength(1);
  });

  it('a body over max_body_bytes is 413 body_too_large, by Content-Length or streamed', async () => {
    const big = JSON.stringify({ key_fingerprint: 'x', ops: [], pad: 'x'.repeat(3000) });
    const sized = await call(server.url, '/v1/batch', {
      method: 'POST',
      token,
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(sized.status).toBe(413);
    expect(sized.body).toMatchObject({
      code: 'body_too_large',
      limit: 2048,
      limit_name: 'max_body_bytes',
    });

    const bytes = new TextEncoder().encode(big);
    const streamed = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 500) controller.enqueue(bytes.slice(i, i + 500));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { code: string }).code).toBe('body_too_large');

    const oauth = await call(server.url, '/v1/auth/token', {
      method: 'POST',
      body: `grant_type=refresh_token&refresh_token=${'x'.repeat(3000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oauth.status).toBe(413);
    expect(oauth.body).toMatchObject({
      error: 'invalid_request',
      code: 'body_too_large',
      limit: 2048,
    });
  });

  it('caps the changes page at max_changes_limit', async () => {
    await batch(server.url, token, [op(), op()]);
    const page = await call(server.url, '/v1/changes?limit=1000', { token });
    expect(page.status).toBe(200);
    expect(page.body.changes).toHaveLength(2);
    expect(page.body.has_more).toBe(true);
  });
});
