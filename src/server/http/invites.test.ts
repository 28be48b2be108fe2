/**
 * Invite-only registration over real HTTP: REGISTRATION=invite needs a valid invite for every
 * account (the first included), each refusal says why, N-use invites allow exactly N, and
 * REGISTRATION=first-user lets only the first account in without one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { INVITE_REFUSALS } from '../activate/pages';
import { makeInvite } from '../invites';
import type { InviteRefusal } from '../store/types';
import {
  describePage,
  PageClient,
  type PageResult,
  startServer,
  type TestServer,
} from '../testing';

const started: TestServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

/** A server whose clock the test moves. */
async function serverIn(registration: 'invite' | 'first-user') {
  const clock = { now: Date.now() };
  const server = await startServer({ config: { registration }, clock: () => clock.now });
  started.push(server);
  return { server, clock };
}

function invite(server: TestServer, now: number, maxUses = 1, ttlS = 3600) {
  return makeInvite(server.store, { createdBy: null, maxUses, ttlS, now });
}

function register(server: TestServer, username: string, token?: string): Promise<PageResult> {
  const password = `${username} password`;
  return new PageClient(server.url).post('/activate/register', {
    username,
    password,
    password_confirm: password,
    ...(token ? { invite: token } : {}),
  });
}

const INVITE_ONLY_NOTICE =
  'This server takes new accounts by invite only. Ask its owner for a link.';

function expectRefused(result: PageResult, reason: InviteRefusal) {
  expect(result.status).toBe(403);
  expect(describePage(result.html)).toMatchObject({
    code: `invite_${reason}`,
    notice: INVITE_REFUSALS[reason],
  });
  expect(result.html).not.toContain('action="/activate/register"');
}

describe('REGISTRATION=invite', () => {
  it('explains itself and creates nothing without an invite, the first account included', async () => {
    const { server } = await serverIn('invite');
    const page = await new PageClient(server.url).get('/activate');
    expect(page.status).toBe(200);
    expect(describePage(page.html).page).toBe('invite-only');
    expect(page.html).toContain('invite link from its owner');
    expect(page.html).toContain('satchel-server invite create');
    expect(page.html).not.toContain('<form');

    const tried = await register(server, 'walk-in');
    expect(tried.status).toBe(403);
    expect(describePage(tried.html)).toMatchObject({
      page: 'invite-only',
      notice: INVITE_ONLY_NOTICE,
    });
    expect(await server.store.countAccounts()).toBe(0);
  });

  it('the first account made with an invite owns the server; later ones need their own', async () => {
    const { server, clock } = await serverIn('invite');
    const first = await invite(server, clock.now);
    const offered = await new PageClient(server.url).get(`/activate?invite=${first.token}`);
    expect(describePage(offered.html).page).toBe('first-account');
    expect(offered.html).toContain('action="/activate/register"');
    expect((await register(server, 'founder', first.token)).status).toBe(303);
    expect((await server.store.findAccountByUsername('founder'))?.role).toBe('owner');

    const page = await new PageClient(server.url).get('/activate');
    expect(describePage(page.html).page).toBe('sign-in');
    expect(page.html).toContain('data-invite-only');
    expect(page.html).not.toContain('action="/activate/register"');
    const tried = await register(server, 'walk-in');
    expect(tried.status).toBe(403);
    expect(describePage(tried.html).notice).toBe(INVITE_ONLY_NOTICE);
    expect(await server.store.findAccountByUsername('walk-in')).toBeNull();
  });

  it('refuses an unknown, expired, revoked or spent invite, each with its own message', async () => {
    const { server, clock } = await serverIn('invite');
    const owner = await invite(server, clock.now);
    expect((await register(server, 'owner', owner.token)).status).toBe(303);

    const unknown = 'A'.repeat(43);
    for (const token of [unknown, 'not-a-token']) {
      expectRefused(await new PageClient(server.url).get(`/activate?invite=${token}`), 'unknown');
      expectRefused(await register(server, 'stranger', token), 'unknown');
    }

    const expiring = await invite(server, clock.now, 1, 60);
    const revoked = await invite(server, clock.now, 3);
    expect(await server.store.revokeInvite(revoked.invite.id, clock.now)).toBe(true);
    clock.now += 61_000;
    expectRefused(
      await new PageClient(server.url).get(`/activate?invite=${expiring.token}`),
      'expired',
    );
    expectRefused(await register(server, 'late', expiring.token), 'expired');
    expectRefused(
      await new PageClient(server.url).get(`/activate?invite=${revoked.token}`),
      'revoked',
    );
    expectRefused(await register(server, 'withdrawn', revoked.token), 'revoked');
    expectRefused(await register(server, 'owner-again', owner.token), 'spent');
    expectRefused(await new PageClient(server.url).get(`/activate?invite=${owner.token}`), 'spent');
    for (const name of ['stranger', 'late', 'withdrawn', 'owner-again']) {
      expect(await server.store.findAccountByUsername(name)).toBeNull();
    }
  });

  it('an invite of N uses creates exactly N accounts, and records who came in by it', async () => {
    const { server, clock } = await serverIn('invite');
    const three = await invite(server, clock.now, 3);
    for (const name of ['ann', 'ben', 'cy']) {
      expect((await register(server, name, three.token)).status).toBe(303);
    }
    expectRefused(await register(server, 'dee', three.token), 'spent');
    const [listed] = await server.store.listInvites(clock.now);
    expect(listed?.uses.map((use) => use.username)).toEqual(['ann', 'ben', 'cy']);
    expect(await server.store.countAccounts()).toBe(3);
  });

  it('registrations racing for the last use: exactly one gets in', async () => {
    const { server, clock } = await serverIn('invite');
    const two = await invite(server, clock.now, 2);
    expect((await register(server, 'early', two.token)).status).toBe(303);
    const names = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const results = await Promise.all(names.map((name) => register(server, name, two.token)));
    expect(results.filter((result) => result.status === 303)).toHaveLength(1);
    for (const refused of results.filter((result) => result.status !== 303)) {
      expectRefused(refused, 'spent');
    }
    expect(await server.store.countAccounts()).toBe(2);
  });
});

describe('REGISTRATION=first-user', () => {
  it('lets only the first account in freely; after that an invite is needed', async () => {
    const { server, clock } = await serverIn('first-user');
    const first = await new PageClient(server.url).get('/activate');
    expect(describePage(first.html).page).toBe('first-account');
    expect((await register(server, 'first')).status).toBe(303);
    expect((await server.store.findAccountByUsername('first'))?.role).toBe('owner');

    const page = await new PageClient(server.url).get('/activate');
    expect(page.html).toContain('data-invite-only');
    expect(page.html).not.toContain('action="/activate/register"');
    const second = await register(server, 'second');
    expect(second.status).toBe(403);
    expect(describePage(second.html).notice).toBe(INVITE_ONLY_NOTICE);

    const one = await invite(server, clock.now);
    expect((await register(server, 'second', one.token)).status).toBe(303);
    expect((await server.store.findAccountByUsername('second'))?.role).toBe('member');
    expectRefused(await register(server, 'third', one.token), 'spent');
  });
});
