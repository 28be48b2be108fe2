/**
 * The app served from a static host of its own, not by the sync server: what docs/SECURITY.md
 * tells a self-hoster to do when they do not want the server they sync through to also deliver
 * the app's code. The sync server here serves no app at all and only allows the app's origin
 * through CORS (APP_ORIGINS); the app signs in, creates the key and syncs across origins.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { isManifestId } from '../../src/engine/omission/manifest-seal';
import { signInDevice, startServer, type TestServer } from '../../src/server/testing';
import { checkAndConnect, createKey, expectInSync } from '../extension/connect';
import { createProfile } from '../extension/records';
import { newPerson } from '../extension/sync-server';
import { approveInTab } from './connect-app';
import { APP_DIR, expect, PHONE, screenshot, test } from './fixtures';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** A plain static file host for dist/pwa, as any web server or CDN would be. */
async function startStaticHost(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // `localhost` and the sync server's `127.0.0.1` are two origins, both secure contexts.
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let host: Awaited<ReturnType<typeof startStaticHost>>;
let server: TestServer;
test.beforeAll(async () => {
  host = await startStaticHost(APP_DIR);
  server = await startServer({
    config: {
      registration: 'open',
      pollIntervalS: 1,
      webDir: join(APP_DIR, 'not-served-here'),
      appOrigins: [host.url],
    },
  });
});
test.afterAll(async () => {
  await server?.close();
  await host?.close();
});

test('the app served from its own static origin signs in and syncs with a server that does not serve it', async ({
  app,
}) => {
  test.setTimeout(90_000);
  // The sync server delivers no app code.
  const root = await fetch(`${server.url}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  expect(root.headers.get('location')).toBe('/activate');

  const page = await app.open(host.url, '/', PHONE);
  await expect(page.getByRole('heading', { name: 'Not connected' })).toBeVisible();
  // Until the person picks a server, the app suggests its own origin: here, the static host.
  await expect(page.getByLabel('Sync server')).toHaveValue(host.url);
  await page.getByLabel('Sync server').fill(server.url);
  const opened = app.context.waitForEvent('page');
  await checkAndConnect(page);
  const tab = await opened;
  await tab.waitForURL(`${server.url}/activate**`);
  const userCode = (await page.getByTestId('user-code').textContent())?.trim() ?? '';
  const person = newPerson();
  await approveInTab(tab, userCode, person, 'new');
  await tab.close();
  await expect(page.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  await createKey(page);
  await expectInSync(page);

  await page.goto(`${host.url}/#records`);
  await createProfile(page, { name: 'Served elsewhere', provider: 'openai', model: 'gpt-4o' });
  await page.goto(`${host.url}/`);
  await expectInSync(page);
  await expect(page.getByTestId('count-profiles')).toHaveText('1');
  await screenshot(page, 'app-separate-origin-in-sync');
  // The record reached the sync server, as another device of the account reads it.
  const observer = await signInDevice(server.url, { ...person, deviceName: 'Observer' });
  const changes = await fetch(`${server.url}/v1/changes?since=0&limit=100`, {
    headers: { authorization: `Bearer ${observer.access_token}` },
  });
  // Beside it, the app's sealed state manifest (src/engine/omission), which is not a record.
  const { changes: listed } = (await changes.json()) as { changes: { id: string }[] };
  expect(listed.filter((record) => !isManifestId(record.id))).toHaveLength(1);
});
