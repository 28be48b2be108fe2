/**
 * The owner's actions on accounts over real HTTP, and what the account's devices see: disabled →
 * 403 account_disabled and invalid_grant/account_disabled on refresh, enabled → works again;
 * deleted → no row of the account left in any table, its tokens answer account_deleted. Every
 * action writes its audit row.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPglite } from '../store/pglite';
import { adminCall, adminServer, MEMBER, signedInAdmin } from './admin-helpers';
import { call, OWNER } from './helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fixture(dataDir?: string) {
  const fx = await adminServer(dataDir ? { dataDir } : {});
  let closed = false;
  const original = fx.server.close.bind(fx.server);
  const close = async () => {
    if (!closed) await original();
    closed = true;
  };
  cleanups.push(close);
  fx.server.close = close;
  const session = await signedInAdmin(fx.server.url);
  return { ...fx, session, url: fx.server.url };
}

function refresh(url: string, token: string) {
  return call(url, '/v1/auth/token', {
    method: 'POST',
    json: { grant_type: 'refresh_token', refresh_token: token, client_id: 'satchel-cli' },
  });
}

async function audit(url: string, session: Parameters<typeof adminCall>[2]) {
  return (await adminCall(url, '/audit', session)).body as { action: string; target: string }[];
}

describe('admin accounts', () => {
  it('lists accounts with their numbers, and an account its devices', async () => {
    const { url, session, member } = await fixture();
    const accounts = (await adminCall(url, '/accounts', session)).body;
    expect(accounts).toHaveLength(2);
    expect(accounts[1]).toMatchObject({
      id: member.account_id,
      username: MEMBER.username,
      role: 'member',
      devices: 1,
      records: 0,
      bytes: 0,
      keyEpoch: null,
      disabledAt: null,
    });
    const devices = (await adminCall(url, `/accounts/${member.account_id}/devices`, session)).body;
    expect(devices).toEqual([
      expect.objectContaining({ id: member.device_id, name: 'Phone', revokedAt: null }),
    ]);
    const overview = (await adminCall(url, '/overview', session)).body;
    expect(overview).toMatchObject({ accounts: 2, devices: 2, registration: 'open' });
  });

  it('disable refuses the devices (403, refresh invalid_grant); enable lets them back', async () => {
    const { url, session, member } = await fixture();
    const path = `/accounts/${member.account_id}`;
    expect((await adminCall(url, `${path}/disable`, session, { method: 'POST' })).status).toBe(204);

    const refused = await call(url, '/v1/devices', { token: member.access_token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('account_disabled');
    const refreshed = await refresh(url, member.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant', code: 'account_disabled' });

    expect((await adminCall(url, `${path}/enable`, session, { method: 'POST' })).status).toBe(204);
    expect((await call(url, '/v1/devices', { token: member.access_token })).status).toBe(200);
    expect((await refresh(url, member.refresh_token)).status).toBe(200);
    expect((await audit(url, session)).slice(0, 2).map((e) => e.action)).toEqual([
      'enable',
      'disable',
    ]);
  });

  it('the owner cannot disable or delete itself (409 owner_protected)', async () => {
    const { url, session, owner } = await fixture();
    const path = `/accounts/${owner.account_id}`;
    const disabled = await adminCall(url, `${path}/disable`, session, { method: 'POST' });
    expect(disabled.status).toBe(409);
    expect(disabled.body.code).toBe('owner_protected');
    const deleted = await adminCall(url, path, session, {
      method: 'DELETE',
      json: { confirm: OWNER.username },
    });
    expect(deleted.status).toBe(409);
  });

  it('revokes a device', async () => {
    const { url, session, member } = await fixture();
    const revoked = await adminCall(url, `/devices/${member.device_id}/revoke`, session, {
      method: 'POST',
    });
    expect(revoked.status).toBe(204);
    expect((await call(url, '/v1/devices', { token: member.access_token })).status).toBe(401);
    expect((await audit(url, session))[0]).toMatchObject({
      action: 'revoke_device',
      target: member.device_id,
    });
  });

  it('delete needs the exact username, then leaves no row of the account anywhere', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'satchel-admin-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { url, session, member, server } = await fixture(dataDir);
    const path = `/accounts/${member.account_id}`;
    const wrong = await adminCall(url, path, session, {
      method: 'DELETE',
      json: { confirm: 'Member' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('invalid_request');
    const done = await adminCall(url, path, session, {
      method: 'DELETE',
      json: { confirm: MEMBER.username },
    });
    expect(done.status).toBe(204);

    const gone = await call(url, '/v1/devices', { token: member.access_token });
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe('account_deleted');
    const refreshed = await refresh(url, member.refresh_token);
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant', code: 'account_deleted' });
    expect((await audit(url, session))[0]).toMatchObject({
      action: 'delete',
      target: MEMBER.username,
    });

    await server.close();
    const db = await openPglite(dataDir);
    try {
      const { rows: tables } = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.columns
         WHERE column_name = 'account_id' AND table_schema = 'public'`,
      );
      expect(tables.length).toBeGreaterThan(5);
      for (const { table_name } of tables) {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table_name} WHERE account_id = $1`,
          [member.account_id],
        );
        expect(rows[0]?.n, table_name).toBe(0);
      }
      const { rows: accounts } = await db.query('SELECT 1 FROM accounts WHERE id = $1', [
        member.account_id,
      ]);
      expect(accounts).toHaveLength(0);
    } finally {
      await db.close();
    }
  });
});
