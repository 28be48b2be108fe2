/**
 * The admin page's settings over real HTTP: invites (create, list, revoke), the registration
 * mode (it overrides REGISTRATION and survives a restart), the audit log of every action, and a
 * disabled account refused at /activate.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PageClient, startServer } from '../testing';
import { adminCall, adminServer, adminSignIn, MEMBER, signedInAdmin } from './admin-helpers';
import { OWNER } from './helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('admin settings', () => {
  it('creates, lists and revokes invites', async () => {
    const fx = await adminServer();
    cleanups.push(() => fx.server.close());
    const session = await signedInAdmin(fx.server.url);
    const made = await adminCall(fx.server.url, '/invites', session, {
      method: 'POST',
      json: { uses: 3, expiresInS: 3600 },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      uses: 3,
      link: expect.stringContaining('/activate?invite='),
    });
    const listed = (await adminCall(fx.server.url, '/invites', session)).body;
    expect(listed[0]).toMatchObject({ id: made.body.id, maxUses: 3, state: 'usable' });
    const tooMany = await adminCall(fx.server.url, '/invites', session, {
      method: 'POST',
      json: { uses: 101 },
    });
    expect(tooMany.status).toBe(400);
    const path = `/invites/${made.body.id}`;
    expect((await adminCall(fx.server.url, path, session, { method: 'DELETE' })).status).toBe(204);
    expect((await adminCall(fx.server.url, path, session, { method: 'DELETE' })).status).toBe(404);
  });

  it('audits every action, newest first', async () => {
    const fx = await adminServer();
    cleanups.push(() => fx.server.close());
    const url = fx.server.url;
    await adminSignIn(url, { ...OWNER, password: 'wrong' });
    const session = await signedInAdmin(url);
    const made = await adminCall(url, '/invites', session, { method: 'POST', json: {} });
    await adminCall(url, `/invites/${made.body.id}`, session, { method: 'DELETE' });
    await adminCall(url, '/registration', session, { method: 'PUT', json: { mode: 'invite' } });
    await adminCall(url, '/session', session, { method: 'DELETE' });
    const again = await signedInAdmin(url);
    const entries = (await adminCall(url, '/audit', again)).body;
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'sign_in',
      'sign_out',
      'registration',
      'invite_revoke',
      'invite_create',
      'sign_in',
      'sign_in_failed',
    ]);
    expect(entries[2]).toMatchObject({ actor: OWNER.username, detail: 'invite' });
    expect(entries[6]).toMatchObject({ target: OWNER.username, at: expect.any(Number) });
  });

  it('the registration mode overrides REGISTRATION and survives a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'satchel-admin-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const fx = await adminServer({ dataDir });
    const session = await signedInAdmin(fx.server.url);
    const put = await adminCall(fx.server.url, '/registration', session, {
      method: 'PUT',
      json: { mode: 'invite' },
    });
    expect(put.status).toBe(204);
    const bad = await adminCall(fx.server.url, '/registration', session, {
      method: 'PUT',
      json: { mode: 'everyone' },
    });
    expect(bad.status).toBe(400);
    await fx.server.close();

    // Started again with REGISTRATION=open: the owner's choice still rules.
    const again = await startServer({ dataDir, config: { registration: 'open' } });
    cleanups.push(() => again.close());
    const admin = await signedInAdmin(again.url);
    expect((await adminCall(again.url, '/overview', admin)).body.registration).toBe('invite');
    const password = 'newcomer password 1';
    const refused = await new PageClient(again.url).post('/activate/register', {
      username: 'newcomer',
      password,
      password_confirm: password,
    });
    expect(refused.status).toBe(403);
  });

  it('a disabled account cannot sign in at /activate, and is told why', async () => {
    const fx = await adminServer();
    cleanups.push(() => fx.server.close());
    const session = await signedInAdmin(fx.server.url);
    await adminCall(fx.server.url, `/accounts/${fx.member.account_id}/disable`, session, {
      method: 'POST',
    });
    const result = await new PageClient(fx.server.url).post('/activate/sign-in', MEMBER);
    expect(result.status).toBe(403);
    expect(result.html).toContain('owner disabled this account');
  });
});
