/** Problem responses, CORS, security headers, cookies, the root redirect and the web app. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../testing';
import { call, serverWithDevice } from './helpers';

const EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const FIREFOX = 'moz-extension://0b6f8a0e-6d3c-4d3e-9a53-2f1c3a9c1e11';
const APP = 'https://app.example.org';

let server: TestServer;
let token: string;
beforeAll(async () => {
  ({
    server,
    tokens: { access_token: token },
  } = await serverWithDevice({ config: { appOrigins: [APP] } }));
});
afterAll(() => server.close());

describe('Date header', () => {
  it('tells the server’s own clock, the one its deadlines use', async () => {
    const ahead = 20 * 60_000;
    const skewed = await startServer({ clock: () => Date.now() + ahead });
    try {
      for (const path of ['/v1/info', '/v1/devices', '/health']) {
        const response = await fetch(`${skewed.url}${path}`);
        const told = Date.parse(response.headers.get('date') ?? '');
        expect(Math.abs(told - (Date.now() + ahead))).toBeLessThan(5_000);
      }
    } finally {
      await skewed.close();
    }
  });
});

describe('CORS', () => {
  it('answers a preflight from an extension origin on /v1', async () => {
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: {
        origin: EXTENSION,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'authorization',
    );
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'if-match',
    );
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each([EXTENSION, FIREFOX, APP])(
    'allows %s on /v1, errors included, exposing ETag and WWW-Authenticate',
    async (origin) => {
      const ok = await call(server.url, '/v1/devices', { token, headers: { origin } });
      expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
      expect(ok.headers.get('vary')).toContain('Origin');
      const denied = await call(server.url, '/v1/devices', { headers: { origin } });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe(origin);
      expect(denied.headers.get('access-control-expose-headers')).toMatch(/ETag/);
      expect(denied.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
      // Clients tell their clock's skew from it, cross-origin too.
      expect(ok.headers.get('access-control-expose-headers')).toMatch(/\bDate\b/);
    },
  );

  it.each(['https://evil.example', 'chrome-extension://short', 'null', 'http://localhost:8787'])(
    'does not allow %s',
    async (origin) => {
      const result = await call(server.url, '/v1/info', { headers: { origin } });
      expect(result.status).toBe(200);
      expect(result.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it('never exposes /activate or /health, even to an extension', async () => {
    for (const path of ['/activate', '/health']) {
      const result = await call(server.url, path, { headers: { origin: EXTENSION } });
      expect(result.headers.get('access-control-allow-origin'), path).toBeNull();
    }
    const preflight = await fetch(`${server.url}/activate/decision`, {
      method: 'OPTIONS',
      headers: { origin: EXTENSION, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBe(405);
  });
});

describe('/activate security headers', () => {
  it.each([
    ['GET', '/activate'],
    ['GET', '/activate?user_code=BCDF-GHJK'],
    ['POST', '/activate/decision'],
  ])('%s %s sends CSP, no framing, nosniff, no referrer, no-store', async (method, path) => {
    const result = await call(server.url, path, {
      method,
      body: method === 'POST' ? 'decision=approve' : undefined,
      headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    });
    expect(result.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = result.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(result.headers.get('x-frame-options')).toBe('DENY');
    expect(result.headers.get('x-content-type-options')).toBe('nosniff');
    expect(result.headers.get('referrer-policy')).toBe('no-referrer');
    expect(result.headers.get('cache-control')).toBe('no-store');
  });

  it('allows exactly the inline stylesheet by its hash', async () => {
    const { createHash } = await import('node:crypto');
    const page = await call(server.url, '/activate');
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.text)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(page.headers.get('content-security-policy')).toContain(`style-src 'sha256-${hash}'`);
    expect(page.text).not.toMatch(/<script/i);
    expect(page.text).not.toMatch(/ style="/);
  });
});

describe('problems', () => {
  it('answers unknown routes with 404 and wrong methods with 405 and Allow', async () => {
    const missing = await call(server.url, '/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.body).toMatchObject({
      type: 'https://satchel.dev/problems/not_found',
      status: 404,
      code: 'not_found',
    });

    const wrong = await call(server.url, '/v1/changes', { method: 'POST', token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect(wrong.body).toMatchObject({ code: 'method_not_allowed', status: 405 });

    const token405 = await call(server.url, '/v1/auth/token', { method: 'GET' });
    expect(token405.status).toBe(405);
    expect(token405.headers.get('allow')).toBe('POST');
  });

  it('/ redirects to /activate when there is no web app', async () => {
    const root = await call(server.url, '/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/activate');
  });

  it('every response has a request id', async () => {
    const a = await call(server.url, '/health');
    const b = await call(server.url, '/nope');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('a failing database', () => {
  it('gives 500 internal_error without details, and /health 503', async () => {
    const lines: string[] = [];
    const broken = await startServer({
      logger: {
        debug: () => {},
        info: () => {},
        warn: () => {},
        error: (msg, fields) => lines.push(JSON.stringify({ msg, ...fields })),
      },
    });
    const healthy = await call(broken.url, '/health');
    expect(healthy.status).toBe(200);
    expect(healthy.body).toEqual({ status: 'ok' });
    await broken.store.close();
    try {
      const health = await call(broken.url, '/health');
      expect(health.status).toBe(503);
      expect(health.body.code).toBe('unavailable');
      const failed = await call(broken.url, '/v1/auth/device', {
        method: 'POST',
        json: { client_id: 'satchel-cli', device_name: 'd', device_platform: 'p' },
      });
      expect(failed.status).toBe(500);
      expect(failed.body).toMatchObject({ code: 'internal_error', status: 500 });
      expect(failed.text).not.toMatch(/pglite|closed|stack|at /i);
      expect(lines.some((line) => line.includes('unhandled error'))).toBe(true);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});

describe('the web app', () => {
  it('is served at / with correct types when dist/pwa exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'satchel-web-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Satchel</title>');
    await writeFile(join(dir, 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'manifest.webmanifest'), '{}');
    const withWeb = await startServer({ config: { webDir: dir } });
    try {
      const index = await call(withWeb.url, '/');
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/^text\/html/);
      expect(index.text).toContain('<title>Satchel</title>');
      expect((await call(withWeb.url, '/app.js')).headers.get('content-type')).toMatch(
        /^text\/javascript/,
      );
      expect((await call(withWeb.url, '/manifest.webmanifest')).headers.get('content-type')).toBe(
        'application/manifest+json',
      );
      expect((await call(withWeb.url, '/missing.js')).body.code).toBe('not_found');
      expect((await call(withWeb.url, '/activate')).text).toContain('data-page="first-account"');
      expect((await call(withWeb.url, '/v1/info')).body.protocol_version).toBe(1);
    } finally {
      await withWeb.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('favicon', () => {
  it('serves the satchel mark at /favicon.ico and /favicon.svg, and the pages link it', async () => {
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
      expect(await response.text()).toMatch(/^<svg [^>]*><title>Satchel<\/title>/);
    }
    const page = await (await fetch(`${server.url}/activate`)).text();
    expect(page).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  });
});
