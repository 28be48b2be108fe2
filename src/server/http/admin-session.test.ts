/**
 * Signing in to the admin API: the owner with its password or a one-time link (once, 15
 * minutes), never a member; throttled per address and per username; sessions end on sign-out,
 * after 30 idle minutes and after 12 hours.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeAdminLink } from '../admin/link';
import { adminCall, adminServer, adminSignIn, MEMBER, signedInAdmin } from './admin-helpers';
import { OWNER } from './helpers';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fixture(config = {}) {
  const clock = { now: Date.now() };
  const fx = await adminServer({ config, clock: () => clock.now });
  servers.push(fx.server);
  return { ...fx, clock, url: fx.server.url };
}

function linkToken(link: string): string {
  return new URL(link).searchParams.get('link') ?? '';
}

describe('admin sign-in', () => {
  it('the owner signs in; the cookie is HttpOnly, SameSite=Strict, Path=/admin', async () => {
    const { url } = await fixture();
    const { result, session } = await adminSignIn(url);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ username: OWNER.username, csrfToken: expect.any(String) });
    const cookie = result.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^satchel_admin=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    // http://127.0.0.1 is local, so the cookie is not Secure there.
    expect(cookie).not.toMatch(/Secure/);
    const again = await adminCall(url, '/session', session);
    expect(again.body).toEqual(result.body);
  });

  it('a wrong password, an unknown name and a member get the same answer', async () => {
    const { url } = await fixture();
    const answers = await Promise.all([
      adminSignIn(url, { username: OWNER.username, password: 'wrong password' }),
      adminSignIn(url, { username: 'nobody', password: OWNER.password }),
      adminSignIn(url, MEMBER),
    ]);
    for (const { result, session } of answers) {
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('invalid_token');
      expect(result.body.detail).toBe(answers[0]?.result.body.detail);
      expect(session).toBeUndefined();
    }
  });

  it('is throttled per username: after N wrong passwords even the right one gets 429', async () => {
    const { url } = await fixture({ signInMaxPerAccount: 3 });
    for (let i = 0; i < 3; i++) {
      const { result } = await adminSignIn(url, { ...OWNER, password: `wrong ${i}` });
      expect(result.status).toBe(401);
    }
    const { result } = await adminSignIn(url);
    expect(result.status).toBe(429);
    expect(result.body.code).toBe('rate_limited');
    expect(result.body.retry_after).toBeGreaterThan(0);
    expect(result.headers.get('retry-after')).toBeTruthy();
  });

  it('is throttled per client address across usernames', async () => {
    // /activate counts its own key, so the fixture's two device sign-ins do not count here.
    const { url } = await fixture({ signInMaxPerAddress: 4 });
    for (const username of ['a', 'b', 'c', 'd']) {
      expect((await adminSignIn(url, { username, password: 'x' })).result.status).toBe(401);
    }
    const { result } = await adminSignIn(url);
    expect(result.status).toBe(429);
  });

  it('a one-time link works once', async () => {
    const { url, server, clock } = await fixture();
    const link = await makeAdminLink(server.store, url, clock.now);
    expect(link).toMatch(new RegExp(`^${url}/admin/\\?link=[A-Za-z0-9_-]{43}$`));
    const first = await adminSignIn(url, { link: linkToken(link) });
    expect(first.result.status).toBe(200);
    expect(first.result.body.username).toBe(OWNER.username);
    const second = await adminSignIn(url, { link: linkToken(link) });
    expect(second.result.status).toBe(401);
  });

  it('a one-time link expires after 15 minutes', async () => {
    const { url, server, clock } = await fixture();
    const link = await makeAdminLink(server.store, url, clock.now);
    clock.now += 15 * 60_000 + 1;
    const { result } = await adminSignIn(url, { link: linkToken(link) });
    expect(result.status).toBe(401);
  });
});

describe('admin sessions', () => {
  it('sign-out deletes the session and clears the cookie', async () => {
    const { url } = await fixture();
    const session = await signedInAdmin(url);
    const out = await adminCall(url, '/session', session, { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/satchel_admin=;.*Max-Age=0/);
    expect((await adminCall(url, '/session', session)).status).toBe(401);
  });

  it('end after 30 idle minutes, and after 12 hours however busy', async () => {
    const { url, clock } = await fixture();
    const idle = await signedInAdmin(url);
    clock.now += 30 * 60_000 + 1;
    expect((await adminCall(url, '/session', idle)).status).toBe(401);

    const busy = await signedInAdmin(url);
    const started = clock.now;
    while (clock.now + 25 * 60_000 < started + 12 * 3_600_000) {
      clock.now += 25 * 60_000;
      expect((await adminCall(url, '/overview', busy)).status).toBe(200);
    }
    clock.now = started + 12 * 3_600_000;
    expect((await adminCall(url, '/overview', busy)).status).toBe(401);
  });
});
