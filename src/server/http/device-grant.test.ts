/** The device-authorization grant (RFC 8628) over real HTTP, through the real /activate forms. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVICE_CODE_GRANT,
  DeviceAuthorizationResponse,
  TokenResponse,
  validate,
} from '../../protocol';
import {
  approveDeviceCode,
  PageClient,
  pollToken,
  requestDeviceCode,
  startServer,
  type TestServer,
} from '../testing';
import { call, OWNER } from './helpers';

/** Most tests share one server (polling interval 0); those needing other settings start their own. */
let shared: TestServer;
beforeAll(async () => {
  shared = await startServer({ config: { pollIntervalS: 0 } });
});
afterAll(() => shared.close());

let server: TestServer | undefined;
afterEach(async () => {
  if (server !== shared) await server?.close();
  server = undefined;
});

async function poll(url: string, deviceCode: string, clientId = 'satchel-cli') {
  const response = await pollToken(url, deviceCode, clientId);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('POST /v1/auth/device', () => {
  it('answers a device code of 256 bits, an 8-letter user code, URIs, expires_in 600, interval 5', async () => {
    server = await startServer();
    const grant = await requestDeviceCode(server.url, {
      deviceName: 'Work laptop',
      platform: 'Chrome on Linux',
    });
    expect(validate(DeviceAuthorizationResponse, grant).ok).toBe(true);
    expect(Buffer.from(grant.device_code, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(grant.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(grant.verification_uri).toBe(`${server.url}/activate`);
    expect(grant.verification_uri_complete).toBe(
      `${server.url}/activate?user_code=${grant.user_code}`,
    );
    expect(grant.expires_in).toBe(600);
    expect(grant.interval).toBe(5);
  });

  it('accepts a form body (what OAuth clients send) and ignores unknown form parameters', async () => {
    server = shared;
    const response = await fetch(`${server.url}/v1/auth/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'satchel-extension',
        device_name: 'Ext',
        device_platform: 'Firefox',
        foo: 'bar',
      }),
    });
    expect(response.status).toBe(200);
    expect(validate(DeviceAuthorizationResponse, await response.json()).ok).toBe(true);
  });

  it('uses PUBLIC_URL for verification URIs when configured', async () => {
    server = await startServer({ config: { publicUrl: 'https://sync.example.org' } });
    const grant = await requestDeviceCode(server.url);
    expect(grant.verification_uri).toBe('https://sync.example.org/activate');
  });

  it('answers an unknown client with 401 invalid_client in OAuth form plus problem members', async () => {
    server = shared;
    const result = await call(server.url, '/v1/auth/device', {
      method: 'POST',
      json: { client_id: 'evil', device_name: 'x', device_platform: 'y' },
    });
    expect(result.status).toBe(401);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.body).toMatchObject({
      error: 'invalid_client',
      error_description: expect.any(String),
      type: 'https://satchel.dev/problems/oauth/invalid_client',
      title: expect.any(String),
      status: 401,
      code: 'invalid_client',
      detail: expect.any(String),
    });
  });

  it('answers a missing device name with 400 invalid_request', async () => {
    server = shared;
    const result = await call(server.url, '/v1/auth/device', {
      method: 'POST',
      json: { client_id: 'satchel-cli', device_platform: 'y' },
    });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      error: 'invalid_request',
      code: 'invalid_request',
      status: 400,
    });
    expect(result.body.error_description).toContain('device_name');
  });
});

describe('POST /v1/auth/token with the device code', () => {
  it('runs the full grant: pending, approve through /activate, tokens, then the code is spent', async () => {
    server = shared;
    const grant = await requestDeviceCode(server.url, { clientId: 'satchel-extension' });

    const pending = await poll(server.url, grant.device_code, 'satchel-extension');
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: 'authorization_pending', status: 400 });

    await approveDeviceCode(server.url, grant.user_code, OWNER);

    const granted = await poll(server.url, grant.device_code, 'satchel-extension');
    expect(granted.status).toBe(200);
    expect(granted.headers.get('cache-control')).toBe('no-store');
    expect(validate(TokenResponse, granted.body).ok).toBe(true);
    expect(granted.body.token_type).toBe('Bearer');
    expect(granted.body.expires_in).toBe(15 * 60);
    expect(granted.body.access_token).not.toBe(granted.body.refresh_token);

    const devices = await call(server.url, '/v1/devices', { token: granted.body.access_token });
    expect(devices.status).toBe(200);
    const current = devices.body.devices.filter((d: { current: boolean }) => d.current);
    expect(current).toEqual([
      expect.objectContaining({
        id: granted.body.device_id,
        name: 'Test device',
        platform: 'node',
      }),
    ]);

    const again = await poll(server.url, grant.device_code, 'satchel-extension');
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('stores only hashes: neither the device code nor the tokens are in the database', async () => {
    server = shared;
    const grant = await requestDeviceCode(server.url);
    await approveDeviceCode(server.url, grant.user_code, OWNER);
    const tokens = (await poll(server.url, grant.device_code)).body;
    const { store } = server;
    // The store finds the token by its SHA-256 hash only.
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(tokens.access_token).digest('hex');
    expect(await store.findAccessToken(hash, Date.now())).toMatchObject({
      deviceId: tokens.device_id,
    });
    expect(await store.findAccessToken(tokens.access_token, Date.now())).toBeNull();
  });

  it('answers slow_down when polled faster than the interval', async () => {
    server = await startServer();
    const grant = await requestDeviceCode(server.url);
    expect((await poll(server.url, grant.device_code)).body.error).toBe('authorization_pending');
    const fast = await poll(server.url, grant.device_code);
    expect(fast.status).toBe(400);
    expect(fast.body.error).toBe('slow_down');
  });

  it('answers access_denied after the person denies, and the device gets nothing', async () => {
    server = shared;
    const grant = await requestDeviceCode(server.url);
    await approveDeviceCode(server.url, grant.user_code, { ...OWNER, decision: 'deny' });
    const denied = await poll(server.url, grant.device_code);
    expect(denied.status).toBe(400);
    expect(denied.body.error).toBe('access_denied');
    expect((await poll(server.url, grant.device_code)).body.error).toBe('access_denied');
  });

  it('answers expired_token once the code has expired, and the page cannot approve it any more', async () => {
    let now = Date.now();
    server = await startServer({ clock: () => now, config: { pollIntervalS: 0 } });
    const grant = await requestDeviceCode(server.url);
    now += 601_000;
    const expired = await poll(server.url, grant.device_code);
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe('expired_token');
    await expect(approveDeviceCode(server.url, grant.user_code, OWNER)).rejects.toMatchObject({
      pageCode: 'expired',
    });
  });

  it('answers invalid_grant for an unknown device code and for another client id', async () => {
    server = shared;
    expect((await poll(server.url, 'x'.repeat(43))).body.error).toBe('invalid_grant');

    const grant = await requestDeviceCode(server.url, { clientId: 'satchel-pwa' });
    await approveDeviceCode(server.url, grant.user_code, OWNER);
    const other = await poll(server.url, grant.device_code, 'satchel-cli');
    expect(other.body.error).toBe('invalid_grant');
  });

  it('accepts JSON as well as forms, and refuses unknown grant types and clients', async () => {
    server = shared;
    const json = await call(server.url, '/v1/auth/token', {
      method: 'POST',
      json: { grant_type: DEVICE_CODE_GRANT, device_code: 'nope', client_id: 'satchel-cli' },
    });
    expect(json.body.error).toBe('invalid_grant');

    const grantType = await call(server.url, '/v1/auth/token', {
      method: 'POST',
      body: 'grant_type=password&username=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(grantType.status).toBe(400);
    expect(grantType.body.error).toBe('unsupported_grant_type');

    const client = await call(server.url, '/v1/auth/token', {
      method: 'POST',
      json: { grant_type: DEVICE_CODE_GRANT, device_code: 'nope', client_id: 'someone-else' },
    });
    expect(client.status).toBe(401);
    expect(client.body.error).toBe('invalid_client');

    const missing = await call(server.url, '/v1/auth/token', { method: 'POST', json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });
});

describe('GET /activate', () => {
  it('never approves by being opened, even signed in', async () => {
    server = shared;
    const grant = await requestDeviceCode(server.url);
    const browser = new PageClient(server.url);
    const shown = await browser.signedIn(OWNER, grant.user_code);
    expect(shown.html).toContain('data-page="confirm"');
    for (let i = 0; i < 3; i++) {
      const opened = await browser.get(`/activate?user_code=${grant.user_code}`);
      expect(opened.status).toBe(200);
      expect(opened.html).toContain('data-page="confirm"');
    }
    const auth = await server.store.findDeviceAuthorizationByUserCode(
      grant.user_code.replace('-', ''),
      Date.now(),
    );
    expect(auth?.status).toBe('pending');
    expect((await poll(server.url, grant.device_code)).body.error).toBe('authorization_pending');
  });

  it('accepts the user code typed in lower case and without the dash', async () => {
    server = shared;
    const grant = await requestDeviceCode(server.url);
    await approveDeviceCode(server.url, grant.user_code.replace('-', '').toLowerCase(), OWNER);
    expect((await poll(server.url, grant.device_code)).status).toBe(200);
  });
});
