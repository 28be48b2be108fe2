/**
 * The admin API's walls over real HTTP: every route refuses a device bearer token, no cookie, a
 * forged cookie, writes without or with a wrong x-csrf-token, cross-site and foreign-origin
 * writes; every answer carries the anti-framing headers and no CORS; the admin cookie opens
 * nothing on /v1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminFixture,
  type AdminSignIn,
  adminCall,
  adminRoutes,
  adminServer,
  signedInAdmin,
} from './admin-helpers';
import { type Call, call } from './helpers';

let fx: AdminFixture;
let session: AdminSignIn;
let routes: ReturnType<typeof adminRoutes>;

beforeAll(async () => {
  fx = await adminServer();
  session = await signedInAdmin(fx.server.url);
  routes = adminRoutes({ account: fx.member.account_id, device: fx.member.device_id });
});
afterAll(() => fx.server.close());

function expectHardened(result: Call) {
  expect(result.headers.get('x-frame-options')).toBe('DENY');
  expect(result.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(result.headers.get('cache-control')).toBe('no-store');
  expect(result.headers.get('access-control-allow-origin')).toBeNull();
}

function expectProblem(result: Call, status: number, code?: string) {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toContain('application/problem+json');
  if (code) expect(result.body.code).toBe(code);
  expectHardened(result);
}

describe('admin routes refuse', () => {
  it('a device bearer token (and no cookie)', async () => {
    for (const route of routes) {
      const result = await adminCall(fx.server.url, route.path, undefined, {
        ...route,
        token: fx.owner.access_token,
        headers: { 'x-csrf-token': session.csrf },
      });
      expectProblem(result, 401, 'invalid_token');
    }
  });

  it('a forged cookie', async () => {
    const forged = { cookie: `satchel_admin=${'A'.repeat(43)}`, csrf: session.csrf };
    for (const route of routes) {
      expectProblem(
        await adminCall(fx.server.url, route.path, forged, route),
        401,
        'invalid_token',
      );
    }
  });

  it('writes without or with a wrong x-csrf-token', async () => {
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      const without = await adminCall(fx.server.url, route.path, undefined, {
        ...route,
        headers: { cookie: session.cookie },
      });
      expectProblem(without, 403, 'forbidden');
      const wrong = { cookie: session.cookie, csrf: 'x'.repeat(43) };
      expectProblem(await adminCall(fx.server.url, route.path, wrong, route), 403, 'forbidden');
    }
  });

  it('cross-site writes and foreign origins, sign-in included', async () => {
    const writes = [
      ...routes.filter((r) => r.method !== 'GET'),
      { method: 'POST', path: '/session', json: { username: 'owner', password: 'x' } },
    ];
    for (const route of writes) {
      const foreign: Record<string, string>[] = [
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
        { origin: 'https://evil.example' },
        // A sandboxed frame or a data: page elsewhere sends `null`, never same-origin.
        { origin: 'null' },
        { origin: 'null', 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of foreign) {
        const result = await adminCall(fx.server.url, route.path, session, { ...route, headers });
        expectProblem(result, 403, 'forbidden');
      }
    }
  });

  it('an OPTIONS preflight gets no CORS answer', async () => {
    const result = await call(fx.server.url, '/admin/api/accounts', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
      },
    });
    expect(result.headers.get('access-control-allow-origin')).toBeNull();
    expect(result.headers.get('access-control-allow-methods')).toBeNull();
    expectHardened(result);
  });
});

describe('admin answers', () => {
  it('are hardened on success too, and same-origin writes pass', async () => {
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const result = await adminCall(fx.server.url, route.path, session, route);
      expect(result.status).toBe(200);
      expectHardened(result);
    }
    const own = new URL(fx.server.url).origin;
    const result = await adminCall(fx.server.url, '/invites', session, {
      method: 'POST',
      json: {},
      headers: { origin: own, 'sec-fetch-site': 'same-origin' },
    });
    expect(result.status).toBe(201);
    expectHardened(result);
    // Firefox's own-page write under the page's no-referrer policy: Origin null, same-origin.
    const nullOrigin = await adminCall(fx.server.url, '/invites', session, {
      method: 'POST',
      json: {},
      headers: { origin: 'null', 'sec-fetch-site': 'same-origin' },
    });
    expect(nullOrigin.status).toBe(201);
  });

  it('the admin cookie opens nothing on /v1', async () => {
    const result = await call(fx.server.url, '/v1/devices', {
      headers: { cookie: session.cookie },
    });
    expect(result.status).toBe(401);
    expect(result.body.code).toBe('missing_token');
  });
});
