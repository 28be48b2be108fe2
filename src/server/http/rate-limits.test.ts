/**
 * Throttles over HTTP: failed sign-ins per account and per client address, and user-code
 * look-ups per address and per account, each answered 429 rate_limited with Retry-After until
 * the window passes. The server's clock is injected, so the window passes without waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  describePage,
  PageClient,
  requestDeviceCode,
  startServer,
  type TestServer,
} from '../testing';
import { OWNER } from './helpers';

const WINDOW_S = 900;

let server: TestServer | undefined;
let offsetMs = 0;
afterEach(async () => {
  await server?.close();
  server = undefined;
  offsetMs = 0;
});

async function serverWith(limits: {
  signInMaxPerAccount?: number;
  signInMaxPerAddress?: number;
  userCodeMaxPerAddress?: number;
  userCodeMaxPerAccount?: number;
  deviceCodeMaxPerAddress?: number;
}): Promise<TestServer> {
  server = await startServer({
    clock: () => Date.now() + offsetMs,
    config: { rateLimitWindowS: WINDOW_S, ...limits },
  });
  // The owner account exists; creating it is not a sign-in attempt.
  await new PageClient(server.url).signedIn(OWNER);
  return server;
}

function signIn(url: string, username: string, password: string) {
  return new PageClient(url).post('/activate/sign-in', { username, password });
}

function expectThrottled(result: { status: number; html: string; headers: Headers }): void {
  expect(result.status).toBe(429);
  expect(describePage(result.html).code).toBe('rate_limited');
  const retryAfter = Number(result.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
  expect(result.html).toContain(`Try again in ${retryAfter} seconds`);
}

describe('sign-in throttles', () => {
  it('per account: after the limit even the right password is refused, until the window passes', async () => {
    const { url } = await serverWith({ signInMaxPerAccount: 3 });
    for (let i = 0; i < 3; i++) {
      expect((await signIn(url, OWNER.username, `wrong ${i}`)).status).toBe(401);
    }
    const throttled = await signIn(url, OWNER.username, OWNER.password);
    expectThrottled(throttled);
    expect(throttled.headers.get('set-cookie')).toBeNull();

    offsetMs += WINDOW_S * 1000;
    const later = await signIn(url, OWNER.username, OWNER.password);
    expect(later.status).toBe(303);
  });

  it('per account: a successful sign-in forgets the failures before it', async () => {
    const { url } = await serverWith({ signInMaxPerAccount: 3 });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) {
        expect((await signIn(url, OWNER.username, `wrong ${i}`)).status).toBe(401);
      }
      expect((await signIn(url, OWNER.username, OWNER.password)).status).toBe(303);
    }
  });

  it('per address: guessing across many usernames from one address is throttled too', async () => {
    const { url } = await serverWith({ signInMaxPerAddress: 4 });
    // Every attempt from the address counts, the owner's registration included: 1 + 3.
    for (let i = 0; i < 3; i++) {
      expect((await signIn(url, `someone${i}`, 'a guessed password')).status).toBe(401);
    }
    expectThrottled(await signIn(url, 'someone-else', 'a guessed password'));
    // Registering is counted against the same address.
    const register = await new PageClient(url).post('/activate/register', {
      username: 'newcomer',
      password: 'a fine password',
      password_confirm: 'a fine password',
    });
    expectThrottled(register);
  });
});

describe('user-code throttles', () => {
  it('per address: guessing codes is refused after the limit, and a real code then waits too', async () => {
    const { url } = await serverWith({ userCodeMaxPerAddress: 3 });
    const browser = new PageClient(url);
    await browser.signedIn(OWNER);
    for (const guess of ['BCDF-GHJK', 'BCDF-GHJL', 'BCDF-GHJM']) {
      expect((await browser.get(`/activate?user_code=${guess}`)).status).toBe(404);
    }
    const grant = await requestDeviceCode(url);
    expectThrottled(await browser.get(`/activate?user_code=${grant.user_code}`));

    offsetMs += WINDOW_S * 1000;
    const later = await browser.get(`/activate?user_code=${grant.user_code}`);
    // The grant itself expired with the clock jump (600 s < 900 s): the page says so.
    expect(later.status).toBe(410);
    expect(describePage(later.html).code).toBe('expired');
  });

  it('per account: decisions count as look-ups as well', async () => {
    const { url } = await serverWith({ userCodeMaxPerAccount: 2 });
    const browser = new PageClient(url);
    const home = await browser.signedIn(OWNER);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(home.html)?.[1] ?? '';
    expect((await browser.get('/activate?user_code=BCDF-GHJK')).status).toBe(404);
    const decision = await browser.post('/activate/decision', {
      csrf_token: csrf,
      user_code: 'BCDF-GHJL',
      decision: 'approve',
    });
    expect(decision.status).toBe(404);
    expectThrottled(await browser.get('/activate?user_code=BCDF-GHJM'));
  });
});

describe('device-code throttle', () => {
  function startGrant(url: string) {
    return fetch(`${url}/v1/auth/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=satchel-cli&device_name=Laptop&device_platform=node',
    });
  }

  it('per address: starting grants is refused after the limit, with Retry-After, until the window passes', async () => {
    const { url } = await serverWith({ deviceCodeMaxPerAddress: 3 });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(await requestDeviceCode(url));
    expect(new Set(codes.map((c) => c.user_code)).size).toBe(3);

    const refused = await startGrant(url);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
    const body = (await refused.json()) as { code?: string; error?: string; detail?: string };
    expect(body.code ?? body.error).toBe('rate_limited');
    expect(JSON.stringify(body)).toContain(`Try again in ${retryAfter} seconds`);

    offsetMs += WINDOW_S * 1000;
    expect((await startGrant(url)).status).toBe(200);
  });
});
