/** Which writes the admin origin rule lets through, on a server published under a path. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv, Deps } from '../context';
import { checkAdminOrigin } from './guard';

const config = { publicUrl: 'https://sync.example/satchel' } as Deps['config'];

function app() {
  const hono = new Hono<AppEnv>();
  hono.post('/admin/api/invites', (c) => {
    checkAdminOrigin(c, { config });
    return c.text('ok');
  });
  hono.onError(() => new Response('forbidden', { status: 403 }));
  return hono;
}

const post = (headers: Record<string, string>) =>
  app().request('http://10.0.0.5:8787/admin/api/invites', { method: 'POST', headers });

describe('checkAdminOrigin', () => {
  it('takes the public URL by its origin, its path aside', async () => {
    const own = { origin: 'https://sync.example', 'sec-fetch-site': 'same-origin' };
    expect((await post(own)).status).toBe(200);
    expect((await post({ origin: 'https://sync.example/satchel' })).status).toBe(403);
  });

  it('takes Origin null only beside Sec-Fetch-Site same-origin', async () => {
    expect((await post({ origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await post({ origin: 'null' })).status).toBe(403);
    expect((await post({ origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'none' })).status).toBe(403);
  });
});
