/** The /activate pages driven over HTTP like a browser: accounts, sessions, CSRF, invites, escaping. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInvite,
  describePage,
  hiddenField,
  PageClient,
  pollToken,
  requestDeviceCode,
  signInDevice,
  startServer,
  type TestServer,
} from '../testing';
import { OWNER } from './helpers';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ config: { pollIntervalS: 0 } });
});
afterAll(() => server.close());

const pageOf = (html: string) => describePage(html).page;

async function statusOf(userCode: string) {
  const found = await server.store.findDeviceAuthorizationByUserCode(
    userCode.replace('-', ''),
    Date.now(),
  );
  return found?.status;
}

describe('first account', () => {
  it('is offered while there is none, becomes the owner, and is not offered again', async () => {
    const browser = new PageClient(server.url);
    const first = await browser.get('/activate');
    expect(pageOf(first.html)).toBe('first-account');

    const mismatch = await browser.post('/activate/register', {
      username: OWNER.username,
      password: OWNER.password,
      password_confirm: 'something else',
    });
    expect(mismatch.status).toBe(400);
    expect(describePage(mismatch.html).notice).toMatch(/differ/);
    const short = await browser.post('/activate/register', {
      username: 'x',
      password: 'short',
      password_confirm: 'short',
    });
    expect(short.status).toBe(400);
    expect(await server.store.countAccounts()).toBe(0);

    const created = await browser.post('/activate/register', {
      username: OWNER.username,
      password: OWNER.password,
      password_confirm: OWNER.password,
    });
    expect(created.status).toBe(303);
    expect(created.location).toBe('/activate');
    const cookie = created.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^satchel_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/activate/);
    expect(cookie).not.toMatch(/Secure/);
    expect((await server.store.findAccountByUsername(OWNER.username))?.role).toBe('owner');

    const home = await browser.get('/activate');
    expect(pageOf(home.html)).toBe('enter-code');
    expect(home.html).toContain('Create invite link');

    const stranger = new PageClient(server.url);
    const later = await stranger.get('/activate');
    expect(pageOf(later.html)).toBe('sign-in');
    expect(later.html).not.toContain('action="/activate/register"');
    const refused = await stranger.post('/activate/register', {
      username: 'mallory',
      password: 'mallory password',
      password_confirm: 'mallory password',
    });
    expect(refused.status).toBe(403);
    expect(await server.store.findAccountByUsername('mallory')).toBeNull();
  });
});

describe('sign-in', () => {
  it('refuses a wrong password or unknown user alike, and signs in and out', async () => {
    const browser = new PageClient(server.url);
    const wrong = await browser.post('/activate/sign-in', {
      username: OWNER.username,
      password: 'wrong password',
    });
    expect(wrong.status).toBe(401);
    expect(describePage(wrong.html).notice).toBe('Wrong username or password.');
    const unknown = await browser.post('/activate/sign-in', {
      username: 'nobody',
      password: 'wrong password',
    });
    expect(unknown.status).toBe(401);
    expect(describePage(unknown.html).notice).toBe('Wrong username or password.');

    const grant = await requestDeviceCode(server.url);
    const ok = await browser.post('/activate/sign-in', {
      username: OWNER.username.toUpperCase(),
      password: OWNER.password,
      user_code: grant.user_code,
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/activate?user_code=${grant.user_code}`);

    const confirm = await browser.get(ok.location ?? '');
    expect(pageOf(confirm.html)).toBe('confirm');
    const csrf = hiddenField(confirm.html, 'csrf_token') ?? '';
    const out = await browser.post('/activate/sign-out', { csrf_token: csrf });
    expect(out.status).toBe(303);
    expect(pageOf((await browser.get('/activate')).html)).toBe('sign-in');
    // The old session cannot decide anything any more.
    const stale = await browser.post('/activate/decision', {
      csrf_token: csrf,
      user_code: grant.user_code,
      decision: 'approve',
    });
    expect(stale.status).toBe(401);
    expect(await statusOf(grant.user_code)).toBe('pending');
  });
});

describe('approval page', () => {
  it('shows device name, platform, requesting address and user code, all escaped', async () => {
    const grant = await requestDeviceCode(server.url, {
      deviceName: '<script>alert(1)</script> & "quotes"',
      platform: '<img src=x onerror=alert(2)>',
    });
    const browser = new PageClient(server.url);
    const page = await browser.signedIn(OWNER, grant.user_code);
    expect(pageOf(page.html)).toBe('confirm');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(page.html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page.html).not.toContain('<script>');
    expect(page.html).not.toContain('<img');
    expect(page.html).toMatch(/data-field="ip">127\.0\.0\.1</);
    expect(page.html).toContain(`<div class="usercode" data-user-code>${grant.user_code}</div>`);
  });

  it('refuses a decision without the CSRF token, with a wrong one, or from another site', async () => {
    const grant = await requestDeviceCode(server.url);
    const browser = new PageClient(server.url);
    const page = await browser.signedIn(OWNER, grant.user_code);
    const csrf = hiddenField(page.html, 'csrf_token') ?? '';
    expect(csrf.length).toBeGreaterThan(20);
    const decide = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      browser.post(
        '/activate/decision',
        { user_code: grant.user_code, decision: 'approve', ...form },
        headers,
      );

    for (const attempt of [
      decide({}),
      decide({ csrf_token: 'forged' }),
      decide({ csrf_token: `${csrf.slice(0, -1)}x` }),
      decide({ csrf_token: csrf }, { 'sec-fetch-site': 'cross-site' }),
      decide({ csrf_token: csrf }, { origin: 'https://evil.example' }),
    ]) {
      const result = await attempt;
      expect(result.status).toBe(403);
      expect(describePage(result.html).code).toBe('forbidden');
    }
    // Another person's session token does not fit this session either.
    const other = new PageClient(server.url);
    const otherPage = await other.signedIn(OWNER, grant.user_code);
    expect(hiddenField(otherPage.html, 'csrf_token')).not.toBe(csrf);
    expect(await statusOf(grant.user_code)).toBe('pending');
    expect((await pollToken(server.url, grant.device_code)).status).toBe(400);

    const same = await decide(
      { csrf_token: csrf },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
    );
    expect(same.status).toBe(200);
    expect(describePage(same.html).code).toBe('approved');
    expect(same.html).toContain('Device connected — you can close this tab');
  });

  it('tells apart unknown, expired-looking and already-decided codes', async () => {
    const browser = new PageClient(server.url);
    await browser.signedIn(OWNER);
    const unknown = await browser.get('/activate?user_code=BCDF-BCDF');
    expect(unknown.status).toBe(404);
    expect(describePage(unknown.html).code).toBe('unknown');
    const notACode = await browser.get('/activate?user_code=hello');
    expect(notACode.status).toBe(400);
    expect(pageOf(notACode.html)).toBe('enter-code');

    const grant = await requestDeviceCode(server.url);
    const page = await browser.get(`/activate?user_code=${grant.user_code}`);
    const csrf = hiddenField(page.html, 'csrf_token') ?? '';
    const denied = await browser.post('/activate/decision', {
      csrf_token: csrf,
      user_code: grant.user_code,
      decision: 'deny',
    });
    expect(describePage(denied.html).code).toBe('denied');
    const again = await browser.post('/activate/decision', {
      csrf_token: csrf,
      user_code: grant.user_code,
      decision: 'approve',
    });
    expect(again.status).toBe(409);
    expect(describePage(again.html).code).toBe('already_denied');
    expect(await statusOf(grant.user_code)).toBe('denied');
    const bogus = await browser.post('/activate/decision', {
      csrf_token: csrf,
      user_code: grant.user_code,
      decision: 'maybe',
    });
    expect(bogus.status).toBe(400);
  });
});

describe('invites', () => {
  it('let one person register once; members cannot invite', async () => {
    const invite = await createInvite(server.url, OWNER);
    const guest = new PageClient(server.url);
    const offered = await guest.get(`/activate?invite=${invite}`);
    expect(pageOf(offered.html)).toBe('sign-in');
    expect(offered.html).toContain('action="/activate/register"');
    expect(hiddenField(offered.html, 'invite')).toBe(invite);

    const registered = await guest.post('/activate/register', {
      username: 'carol',
      password: 'carol password',
      password_confirm: 'carol password',
      invite,
    });
    expect(registered.status).toBe(303);
    expect((await server.store.findAccountByUsername('carol'))?.role).toBe('member');

    const reused = await new PageClient(server.url).post('/activate/register', {
      username: 'dave',
      password: 'dave password',
      password_confirm: 'dave password',
      invite,
    });
    expect(reused.status).toBe(403);
    expect(await server.store.findAccountByUsername('dave')).toBeNull();

    const home = await guest.get('/activate');
    expect(home.html).not.toContain('Create invite link');
    const tried = await guest.post('/activate/invite', {
      csrf_token: hiddenField(home.html, 'csrf_token') ?? '',
    });
    expect(tried.status).toBe(403);

    // Carol's devices belong to Carol.
    const tokens = await signInDevice(server.url, {
      username: 'carol',
      password: 'carol password',
    });
    const carol = await server.store.findAccountByUsername('carol');
    expect(tokens.account_id).toBe(carol?.id);
  });

  it('an owner session can also register nobody with a taken name', async () => {
    const invite = await createInvite(server.url, OWNER);
    const result = await new PageClient(server.url).post('/activate/register', {
      username: 'CAROL',
      password: 'another password',
      password_confirm: 'another password',
      invite,
    });
    expect(result.status).toBe(409);
    // The invite was not spent on a failed registration.
    const retry = await new PageClient(server.url).post('/activate/register', {
      username: 'erin',
      password: 'erin password',
      password_confirm: 'erin password',
      invite,
    });
    expect(retry.status).toBe(303);
  });
});

describe('registration modes', () => {
  it('REGISTRATION=open lets anyone create an account after the first', async () => {
    const open = await startServer({ config: { registration: 'open', pollIntervalS: 0 } });
    try {
      await signInDevice(open.url, { ...OWNER });
      const page = await new PageClient(open.url).get('/activate');
      expect(page.html).toContain('action="/activate/register"');
      const tokens = await signInDevice(open.url, {
        username: 'walk-in',
        password: 'walk-in password',
      });
      expect((await open.store.findAccountByUsername('walk-in'))?.id).toBe(tokens.account_id);
    } finally {
      await open.close();
    }
  });

  it('makes the session cookie Secure when PUBLIC_URL is https', async () => {
    const secure = await startServer({ config: { publicUrl: 'https://sync.example.org' } });
    try {
      const created = await new PageClient(secure.url).post('/activate/register', {
        username: 'owner',
        password: 'owner password',
        password_confirm: 'owner password',
      });
      expect(created.status).toBe(303);
      expect(created.headers.get('set-cookie')).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });
});
