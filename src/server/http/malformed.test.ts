/**
 * A table of malformed requests: each is answered with its problem code (and OAuth error on the
 * OAuth endpoints) and changes nothing: the feed, the key document and the devices stay as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_CODE_GRANT } from '../../protocol';
import { signInDevice, startServer, type TestServer } from '../testing';
import { batch, type Call, call, FINGERPRINT, OWNER, op, putKeyDocument } from './helpers';

let now = Date.now();
let server: TestServer;
let token: string;
let deviceId: string;

beforeAll(async () => {
  server = await startServer({
    clock: () => now,
    config: { maxBodyBytes: 4096, pollIntervalS: 0 },
  });
  const tokens = await signInDevice(server.url, { ...OWNER, deviceName: 'Laptop' });
  token = tokens.access_token;
  deviceId = tokens.device_id;
  await putKeyDocument(server.url, token);
  await batch(server.url, token, [op({ id: 'existing' })]);
});
afterAll(() => server.close());

async function snapshot() {
  const [changes, keys, devices] = await Promise.all([
    call(server.url, '/v1/changes', { token }),
    call(server.url, '/v1/keys', { token }),
    call(server.url, '/v1/devices', { token }),
  ]);
  return {
    changes: changes.body,
    keys: keys.body,
    devices: devices.body.devices.map((d: { id: string; name: string }) => [d.id, d.name]),
  };
}

type Row = {
  name: string;
  status: number;
  code: string;
  /** The OAuth `error` expected beside the problem members. */
  oauth?: string;
  /** A field path expected in `errors` (invalid_request). */
  path?: string;
  send: () => Promise<Call>;
};

const json =
  (path: string, body: string, method = 'POST', headers: Record<string, string> = {}) =>
  () =>
    call(server.url, path, {
      method,
      token,
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
const batchBody = (body: unknown) => json('/v1/batch', JSON.stringify(body));
const validOp = () => op({ id: 'new-record' });
const withOp = (fields: Record<string, unknown>) =>
  batchBody({ key_fingerprint: FINGERPRINT, ops: [{ ...validOp(), ...fields }] });
const keysPut = (body: unknown) =>
  json('/v1/keys', JSON.stringify(body), 'PUT', { 'if-match': '"1"' });
const get =
  (path: string, headers: Record<string, string> = {}) =>
  () =>
    call(server.url, path, { token, headers });

const ROWS: Row[] = [
  {
    name: 'batch: truncated JSON',
    status: 400,
    code: 'malformed_json',
    send: json('/v1/batch', '{"ops": ['),
  },
  { name: 'batch: empty body', status: 400, code: 'malformed_json', send: json('/v1/batch', '') },
  {
    name: 'batch: text/plain',
    status: 415,
    code: 'unsupported_media_type',
    send: () =>
      call(server.url, '/v1/batch', {
        method: 'POST',
        token,
        body: '{}',
        headers: { 'content-type': 'text/plain' },
      }),
  },
  {
    name: 'batch: no content type',
    status: 415,
    code: 'unsupported_media_type',
    send: () => call(server.url, '/v1/batch', { method: 'POST', token, body: '{}' }),
  },
  {
    name: 'batch: top-level array',
    status: 400,
    code: 'invalid_request',
    send: batchBody([validOp()]),
  },
  { name: 'batch: null', status: 400, code: 'invalid_request', send: batchBody(null) },
  {
    name: 'batch: ops not an array',
    status: 400,
    code: 'invalid_request',
    path: 'ops',
    send: batchBody({ key_fingerprint: FINGERPRINT, ops: 'x' }),
  },
  {
    name: 'batch: empty ops',
    status: 400,
    code: 'invalid_request',
    path: 'ops',
    send: batchBody({ key_fingerprint: FINGERPRINT, ops: [] }),
  },
  {
    name: 'batch: missing key_fingerprint',
    status: 400,
    code: 'invalid_request',
    path: 'key_fingerprint',
    send: batchBody({ ops: [validOp()] }),
  },
  {
    name: 'batch: unknown top-level field',
    status: 400,
    code: 'invalid_request',
    send: batchBody({ key_fingerprint: FINGERPRINT, ops: [validOp()], force: true }),
  },
  {
    name: 'batch: unknown op field',
    status: 400,
    code: 'invalid_request',
    send: withOp({ overwrite: true }),
  },
  {
    name: 'batch: base_rev as string',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.base_rev',
    send: withOp({ base_rev: '1' }),
  },
  {
    name: 'batch: base_rev 0',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.base_rev',
    send: withOp({ base_rev: 0 }),
  },
  {
    name: 'batch: base_rev fractional',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.base_rev',
    send: withOp({ base_rev: 1.5 }),
  },
  {
    name: 'batch: deleted as string',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.deleted',
    send: withOp({ deleted: 'no' }),
  },
  {
    name: 'batch: missing op_id',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.op_id',
    send: withOp({ op_id: undefined }),
  },
  {
    name: 'batch: short op_id',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.op_id',
    send: withOp({ op_id: 'abc' }),
  },
  {
    name: 'batch: payload not base64url',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.payload',
    send: withOp({ payload: 'not base64!' }),
  },
  {
    name: 'batch: empty payload',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.payload',
    send: withOp({ payload: '' }),
  },
  {
    name: 'batch: collection too long',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.collection',
    send: withOp({ collection: 'c'.repeat(65) }),
  },
  {
    name: 'batch: record id with a slash',
    status: 400,
    code: 'invalid_request',
    path: 'ops.0.id',
    send: withOp({ id: 'a/b' }),
  },
  {
    name: 'batch: body over max_body_bytes',
    status: 413,
    code: 'body_too_large',
    send: batchBody({ key_fingerprint: FINGERPRINT, ops: [validOp()], pad: 'x'.repeat(5000) }),
  },
  {
    name: 'keys: epoch 0',
    status: 400,
    code: 'invalid_request',
    path: 'epoch',
    send: keysPut({ key_document: 'eA', key_fingerprint: FINGERPRINT, epoch: 0 }),
  },
  {
    name: 'keys: epoch beyond 32 bits',
    status: 400,
    code: 'invalid_request',
    path: 'epoch',
    send: keysPut({ key_document: 'eA', key_fingerprint: FINGERPRINT, epoch: 1e12 }),
  },
  {
    name: 'keys: short fingerprint',
    status: 400,
    code: 'invalid_request',
    path: 'key_fingerprint',
    send: keysPut({ key_document: 'eA', key_fingerprint: 'short', epoch: 2 }),
  },
  {
    name: 'keys: NUL in key document',
    status: 400,
    code: 'invalid_request',
    path: 'key_document',
    send: keysPut({ key_document: 'a\u0000b', key_fingerprint: FINGERPRINT, epoch: 2 }),
  },
  {
    name: 'keys: bad JSON',
    status: 400,
    code: 'malformed_json',
    send: json('/v1/keys', '{key_document: 1}', 'PUT', { 'if-match': '"1"' }),
  },
  {
    name: 'keys: no precondition',
    status: 428,
    code: 'precondition_required',
    send: json(
      '/v1/keys',
      JSON.stringify({ key_document: 'eA', key_fingerprint: FINGERPRINT, epoch: 2 }),
      'PUT',
    ),
  },
  {
    name: 'keys: wrong revision',
    status: 412,
    code: 'precondition_failed',
    send: json(
      '/v1/keys',
      JSON.stringify({ key_document: 'eA', key_fingerprint: FINGERPRINT, epoch: 2 }),
      'PUT',
      { 'if-match': '"5"' },
    ),
  },
  {
    name: 'rename: name too long',
    status: 400,
    code: 'invalid_request',
    path: 'name',
    send: () =>
      call(server.url, `/v1/devices/${deviceId}`, {
        method: 'PATCH',
        token,
        json: { name: 'n'.repeat(65) },
      }),
  },
  {
    name: 'rename: unknown field',
    status: 400,
    code: 'invalid_request',
    send: () =>
      call(server.url, `/v1/devices/${deviceId}`, {
        method: 'PATCH',
        token,
        json: { name: 'x', platform: 'y' },
      }),
  },
  {
    name: 'rename: NUL in name',
    status: 400,
    code: 'invalid_request',
    path: 'name',
    send: () =>
      call(server.url, `/v1/devices/${deviceId}`, {
        method: 'PATCH',
        token,
        json: { name: 'a\u0000' },
      }),
  },
  {
    name: 'rename: name as number',
    status: 400,
    code: 'invalid_request',
    path: 'name',
    send: () =>
      call(server.url, `/v1/devices/${deviceId}`, { method: 'PATCH', token, json: { name: 5 } }),
  },
  {
    name: 'changes: cursor not a number',
    status: 400,
    code: 'invalid_cursor',
    send: get('/v1/changes?since=abc'),
  },
  {
    name: 'changes: negative cursor',
    status: 400,
    code: 'invalid_cursor',
    send: get('/v1/changes?since=-1'),
  },
  {
    name: 'changes: limit 0',
    status: 400,
    code: 'invalid_request',
    path: 'limit',
    send: get('/v1/changes?limit=0'),
  },
  {
    name: 'changes: limit not a number',
    status: 400,
    code: 'invalid_request',
    path: 'limit',
    send: get('/v1/changes?limit=ten'),
  },
  {
    name: 'changes: unknown parameter',
    status: 400,
    code: 'invalid_request',
    path: 'after',
    send: get('/v1/changes?after=3'),
  },
  {
    name: 'changes: repeated since',
    status: 400,
    code: 'invalid_request',
    path: 'since',
    send: get('/v1/changes?since=1&since=2'),
  },
  {
    name: 'token: missing',
    status: 401,
    code: 'missing_token',
    send: () => call(server.url, '/v1/changes'),
  },
  {
    name: 'token: unknown',
    status: 401,
    code: 'invalid_token',
    send: () => call(server.url, '/v1/changes', { token: 'A'.repeat(43) }),
  },
  {
    name: 'token: not a bearer header',
    status: 401,
    code: 'invalid_token',
    send: () => call(server.url, '/v1/changes', { headers: { authorization: 'Token abc' } }),
  },
  {
    name: 'token: bearer without token',
    status: 401,
    code: 'invalid_token',
    send: () => call(server.url, '/v1/changes', { headers: { authorization: 'Bearer ' } }),
  },
  {
    name: 'token: on a write',
    status: 401,
    code: 'invalid_token',
    send: () =>
      call(server.url, '/v1/batch', {
        method: 'POST',
        token: 'nope',
        json: { key_fingerprint: FINGERPRINT, ops: [validOp()] },
      }),
  },
  {
    name: 'method: DELETE /v1/batch',
    status: 405,
    code: 'method_not_allowed',
    send: () => call(server.url, '/v1/batch', { method: 'DELETE', token }),
  },
  { name: 'route: unknown', status: 404, code: 'not_found', send: get('/v1/nothing-here') },
  {
    name: 'oauth: token endpoint, bad JSON',
    status: 400,
    code: 'malformed_json',
    oauth: 'invalid_request',
    send: () =>
      call(server.url, '/v1/auth/token', {
        method: 'POST',
        body: '{"grant_type"',
        headers: { 'content-type': 'application/json' },
      }),
  },
  {
    name: 'oauth: token endpoint, text/plain',
    status: 415,
    code: 'unsupported_media_type',
    oauth: 'invalid_request',
    send: () =>
      call(server.url, '/v1/auth/token', {
        method: 'POST',
        body: 'grant_type=refresh_token',
        headers: { 'content-type': 'text/plain' },
      }),
  },
  {
    name: 'oauth: device endpoint, repeated form field',
    status: 400,
    code: 'invalid_request',
    oauth: 'invalid_request',
    send: () =>
      call(server.url, '/v1/auth/device', {
        method: 'POST',
        body: 'client_id=satchel-cli&client_id=satchel-pwa&device_name=a&device_platform=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
  },
  {
    name: 'oauth: device name with NUL',
    status: 400,
    code: 'invalid_request',
    oauth: 'invalid_request',
    send: () =>
      call(server.url, '/v1/auth/device', {
        method: 'POST',
        json: { client_id: 'satchel-cli', device_name: 'a\u0000', device_platform: 'b' },
      }),
  },
  {
    name: 'oauth: device code of wrong type',
    status: 400,
    code: 'invalid_request',
    oauth: 'invalid_request',
    send: () =>
      call(server.url, '/v1/auth/token', {
        method: 'POST',
        json: { grant_type: DEVICE_CODE_GRANT, device_code: 42, client_id: 'satchel-cli' },
      }),
  },
  {
    name: 'oauth: unknown JSON field',
    status: 400,
    code: 'invalid_request',
    oauth: 'invalid_request',
    send: () =>
      call(server.url, '/v1/auth/token', {
        method: 'POST',
        json: { grant_type: 'refresh_token', refresh_token: 'x', extra: 1 },
      }),
  },
];

describe('malformed inputs', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const before = await snapshot();
    const result = await row.send();
    expect(result.status).toBe(row.status);
    expect(result.body).toMatchObject({
      type: expect.stringMatching(/^https:\/\/satchel\.dev\/problems\//),
      title: expect.any(String),
      status: row.status,
      code: row.code,
      detail: expect.any(String),
    });
    if (row.oauth) {
      expect(result.headers.get('content-type')).toMatch(/^application\/json/);
      expect(result.body).toMatchObject({
        error: row.oauth,
        error_description: expect.any(String),
      });
    } else {
      expect(result.headers.get('content-type')).toBe('application/problem+json');
    }
    if (row.path !== undefined) {
      const paths = (result.body.errors ?? []).map((e: { path: string }) => e.path);
      expect(paths).toContain(row.path);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('an expired token is 401 token_expired and changes nothing', async () => {
    const before = await snapshot();
    now += 16 * 60 * 1000;
    try {
      const result = await batch(server.url, token, [op({ id: 'late' })]);
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('token_expired');
    } finally {
      now = Date.now();
    }
    expect(await snapshot()).toEqual(before);
  });
});
