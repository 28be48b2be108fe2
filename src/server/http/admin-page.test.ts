/** The owner's admin page at /admin/: served with its framing and script rules, or a clean 404. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../testing';
import { call } from './helpers';

describe('the admin page', () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'satchel-admin-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Satchel admin</title>');
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
    server = await startServer({ config: { adminDir: dir } });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is served at /admin/ where nobody may frame it and only its own scripts run', async () => {
    const page = await call(server.url, '/admin/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<title>Satchel admin</title>');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('serves its assets from the build and redirects /admin to /admin/', async () => {
    const script = await call(server.url, '/admin/assets/main-abc123.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cache-control')).toContain('immutable');
    const bare = await fetch(`${server.url}/admin`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/admin/');
    const missing = await call(server.url, '/admin/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
  });

  it('is a clean 404 problem when the server has no build of it', async () => {
    const without = await startServer({ config: { adminDir: join(dir, 'no-such-build') } });
    try {
      const page = await call(without.url, '/admin/');
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(page.body.code).toBe('not_found');
    } finally {
      await without.close();
    }
  });
});
