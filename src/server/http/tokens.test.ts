/** Access and refresh tokens, logout, and the device list: rename, revoke, last seen. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenResponse, validate } from '../../protocol';
import { signInDevice, startServer, type TestServer } from '../testing';
import { call, OWNER } from './helpers';

let now = Date.now();
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ clock: () => now, config: { pollIntervalS: 0 } });
});
afterAll(() => server.close());

function refresh(refreshToken: string, asForm = true) {
  return asForm
    ? call(server.url, '/v1/auth/token', {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    : call(server.url, '/v1/auth/token', {
        method: 'POST',
        json: {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: 'satchel-cli',
        },
      });
}

const device = (name: string) =>
  signInDevice(server.url, { ...OWNER, deviceName: name, platform: 'test' });
const devicesOf = (token: string) => call(server.url, '/v1/devices', { token });

describe('refresh tokens', () => {
  it('rotate on every use: new pair, same device, the old access token keeps working until expiry', async () => {
    const first = await device('rotating');
    const rotated = await refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    expect(validate(TokenResponse, rotated.body).ok).toBe(true);
    expect(rotated.body.device_id).toBe(first.device_id);
    expect(rotated.body.account_id).toBe(first.account_id);
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.body.access_token).not.toBe(first.access_token);
    expect((await devicesOf(rotated.body.access_token)).status).toBe(200);

    const again = await refresh(rotated.body.refresh_token, false);
    expect(again.status).toBe(200);
  });

  it('reuse of a rotated refresh token revokes the whole family', async () => {
    const first = await device('replayed');
    const second = (await refresh(first.refresh_token)).body;
    expect((await devicesOf(second.access_token)).status).toBe(200);

    const replay = await refresh(first.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant', code: 'invalid_grant' });

    // The thief's and the owner's current tokens are all dead now.
    expect((await devicesOf(second.access_token)).body.code).toBe('invalid_token');
    expect((await refresh(second.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('a refresh retried after its response was lost works, and withdraws the pair never received', async () => {
    const first = await device('unlucky network');
    const lost = (await refresh(first.refresh_token)).body; // the device never sees this answer
    const retried = await refresh(first.refresh_token);
    expect(retried.status).toBe(200);
    expect(retried.body.device_id).toBe(first.device_id);
    expect((await devicesOf(retried.body.access_token)).status).toBe(200);
    expect((await devicesOf(lost.access_token)).body.code).toBe('invalid_token');
    // The family lives on: the retried pair rotates as usual.
    const next = await refresh(retried.body.refresh_token);
    expect(next.status).toBe(200);
    // Issue 12 item 6: presenting the withdrawn token afterwards is reuse (it was a plain
    // invalid_grant that left the family alive): the family dies with it.
    expect((await refresh(lost.refresh_token)).body.error).toBe('invalid_grant');
    expect((await devicesOf(next.body.access_token)).body.code).toBe('invalid_token');
  });

  it('an unknown refresh token is invalid_grant', async () => {
    const result = await refresh('A'.repeat(43));
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_grant');
  });
});

describe('access tokens', () => {
  it('expire after 15 minutes with 401 token_expired, and refreshing recovers', async () => {
    const tokens = await device('expiring');
    now += 15 * 60 * 1000 + 1000;
    try {
      const expired = await devicesOf(tokens.access_token);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('token_expired');
      expect(expired.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="satchel", error="invalid_token"/,
      );
      const fresh = await refresh(tokens.refresh_token);
      expect(fresh.status).toBe(200);
      expect((await devicesOf(fresh.body.access_token)).status).toBe(200);
    } finally {
      now = Date.now();
    }
  });

  it('missing, malformed and unknown tokens are 401 with WWW-Authenticate', async () => {
    const missing = await call(server.url, '/v1/devices');
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('missing_token');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="satchel"');

    const malformed = await call(server.url, '/v1/devices', {
      headers: { authorization: 'Basic YTpi' },
    });
    expect(malformed.status).toBe(401);
    expect(malformed.body.code).toBe('invalid_token');

    const unknown = await call(server.url, '/v1/devices', { token: 'A'.repeat(43) });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('invalid_token');
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('POST /v1/auth/revoke', () => {
  it('signs the calling device out: its tokens stop working and it leaves the device list', async () => {
    const keep = await device('keeper');
    const leave = await device('leaver');
    const revoked = await call(server.url, '/v1/auth/revoke', {
      method: 'POST',
      token: leave.access_token,
    });
    expect(revoked.status).toBe(204);
    expect((await devicesOf(leave.access_token)).body.code).toBe('invalid_token');
    expect((await refresh(leave.refresh_token)).body.error).toBe('invalid_grant');
    const list = await devicesOf(keep.access_token);
    const ids = list.body.devices.map((d: { id: string }) => d.id);
    expect(ids).toContain(keep.device_id);
    expect(ids).not.toContain(leave.device_id);
  });

  it('needs a token', async () => {
    const result = await call(server.url, '/v1/auth/revoke', { method: 'POST' });
    expect(result.status).toBe(401);
    expect(result.body.code).toBe('missing_token');
  });
});

describe('devices', () => {
  it('lists name, platform, created, last seen and which one is current', async () => {
    const a = await device('Device A');
    const list = await devicesOf(a.access_token);
    expect(list.status).toBe(200);
    const mine = list.body.devices.find((d: { id: string }) => d.id === a.device_id);
    expect(mine).toEqual({
      id: a.device_id,
      name: 'Device A',
      platform: 'test',
      created_at: new Date(mine.created_at).toISOString(),
      last_seen_at: new Date(now).toISOString(),
      current: true,
    });
    expect(list.body.devices.filter((d: { current: boolean }) => d.current)).toHaveLength(1);
  });

  it('renames a device (PATCH) and validates the name', async () => {
    const a = await device('old name');
    const renamed = await call(server.url, `/v1/devices/${a.device_id}`, {
      method: 'PATCH',
      token: a.access_token,
      json: { name: '  New name  ' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: a.device_id, name: 'New name', current: true });
    const listed = (await devicesOf(a.access_token)).body.devices.find(
      (d: { id: string }) => d.id === a.device_id,
    );
    expect(listed.name).toBe('New name');

    const empty = await call(server.url, `/v1/devices/${a.device_id}`, {
      method: 'PATCH',
      token: a.access_token,
      json: { name: '' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('invalid_request');
    expect(empty.body.errors).toEqual([expect.objectContaining({ path: 'name' })]);

    const unknown = await call(server.url, '/v1/devices/nope', {
      method: 'PATCH',
      token: a.access_token,
      json: { name: 'x' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('DELETE revokes another device at once: its very next request is 401', async () => {
    const admin = await device('admin');
    const victim = await device('lost phone');
    expect((await devicesOf(victim.access_token)).status).toBe(200);
    const deleted = await call(server.url, `/v1/devices/${victim.device_id}`, {
      method: 'DELETE',
      token: admin.access_token,
    });
    expect(deleted.status).toBe(204);
    const next = await devicesOf(victim.access_token);
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('invalid_token');
    expect((await refresh(victim.refresh_token)).body.error).toBe('invalid_grant');
    const again = await call(server.url, `/v1/devices/${victim.device_id}`, {
      method: 'DELETE',
      token: admin.access_token,
    });
    expect(again.status).toBe(404);
  });

  it('a device may delete itself: signed out like POST /v1/auth/revoke', async () => {
    const keeper = await device('keeper');
    const leaver = await device('leaver');
    const deleted = await call(server.url, `/v1/devices/${leaver.device_id}`, {
      method: 'DELETE',
      token: leaver.access_token,
    });
    expect(deleted.status).toBe(204);
    expect((await devicesOf(leaver.access_token)).status).toBe(401);
    const names = (await devicesOf(keeper.access_token)).body.devices.map(
      (d: { name: string }) => d.name,
    );
    expect(names).toContain('keeper');
    expect(names).not.toContain('leaver');
  });
});
