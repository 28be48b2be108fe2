/**
 * Background Sync: an edit made while the server is unreachable reaches it after the person
 * closed the app and the browser stopped its worker, through the `sync` event alone. Chromium
 * fires that event when connectivity returns; here the test fires it as DevTools' "Background
 * services" panel does, since nothing in the test can make Chromium's scheduler retry at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isManifestId } from '../../src/engine/omission/manifest-seal';
import { signInDevice, startServer, type TestServer } from '../../src/server/testing';
import { createKey, expectInSync } from '../extension/connect';
import { createProfile } from '../extension/records';
import { newPerson } from '../extension/sync-server';
import { approveInTab, startAppConnect } from './connect-app';
import { APP_DIR, expect, PHONE, test } from './fixtures';

let server: TestServer;
let dataDir: string;
const start = (port = 0) =>
  startServer({
    dataDir,
    config: { registration: 'open', pollIntervalS: 1, webDir: APP_DIR, listenPort: port },
  });
test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'satchel-pwa-bgsync-'));
  server = await start();
});
test.afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * How many records the account holds, as another device reads them over HTTP (the devices'
 * sealed state manifests, src/engine/omission, are not records).
 */
async function recordsOnServer(accessToken: string): Promise<number> {
  const response = await fetch(`${server.url}/v1/changes?since=0&limit=1000`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (response.status !== 200) throw new Error(`GET /v1/changes answered ${response.status}`);
  const { changes } = (await response.json()) as { changes: { id: string }[] };
  return changes.filter((record) => !isManifestId(record.id)).length;
}

test('an offline edit is sent by the sync event with the app closed and its worker stopped', async ({
  app,
}) => {
  test.setTimeout(90_000);
  const person = newPerson();
  const page = await app.open(server.url, '/', PHONE);
  const { tab, userCode } = await startAppConnect(app, page, server.url);
  await approveInTab(tab, userCode, person, 'new');
  await tab.close();
  await expect(page.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  await createKey(page);
  await expectInSync(page);
  const observer = await signInDevice(server.url, { ...person, deviceName: 'Observer' });
  const before = await recordsOnServer(observer.access_token);

  // The server goes away (Playwright's offline switch cannot be lifted once the worker is
  // stopped without hanging, so connectivity is lost at the server's end instead).
  const port = Number(new URL(server.url).port);
  await server.close();
  await page.goto(`${server.url}/#records`);
  await createProfile(page, { name: 'From a closed app', provider: 'openai', model: 'gpt-4o' });
  await expect(
    page.getByRole('list', { name: 'Profiles' }).getByText('pending sync'),
  ).toBeVisible();
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
          sync: { getTags(): Promise<string[]> };
        };
        return registration.sync.getTags();
      }),
    )
    .toContain('satchel-outbox');

  // The person closes the app; the browser stops its worker.
  await page.close();
  const blank = await app.context.newPage();
  const cdp = await app.context.newCDPSession(blank);
  let registrationId = '';
  let stopped = false;
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    const ours = registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
    if (ours) registrationId = ours.registrationId;
  });
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    stopped = versions.every((v) => v.runningStatus === 'stopped');
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await expect.poll(() => registrationId !== '' && stopped).toBe(true);
  server = await start(port);
  expect(await recordsOnServer(observer.access_token)).toBe(before);

  // Only the sync event wakes the worker now: no page of the app is open.
  void cdp.send('ServiceWorker.dispatchSyncEvent', {
    origin: server.url,
    registrationId,
    tag: 'satchel-outbox',
    lastChance: false,
  });
  await expect
    .poll(() => recordsOnServer(observer.access_token), { timeout: 20_000 })
    .toBe(before + 1);
  expect(app.context.pages().filter((p) => p.url().startsWith(server.url))).toHaveLength(0);
});
