/**
 * The device lock in the installed app: the passphrase set in Security locks the app's worker
 * with it; "Lock now" shows Locked on the status screen and on every other page, a reload stays
 * locked, and the passphrase unlocks it with the data there; left alone for the idle time chosen,
 * it locks by itself.
 */
import type { TestServer } from '../../src/server/testing';
import { createKey, expectInSync } from '../extension/connect';
import { createProfile } from '../extension/records';
import { newPerson } from '../extension/sync-server';
import { approveInTab, startAppConnect } from './connect-app';
import { expect, PHONE, screenshot, startAppServer, test } from './fixtures';

let server: TestServer;
test.beforeAll(async () => {
  server = await startAppServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('the app locks with its passphrase and shows Locked until it is unlocked', async ({ app }) => {
  test.setTimeout(300_000);
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

  await page.goto(`${server.url}/#records`);
  await createProfile(page, { name: 'App secret', provider: 'openai', model: 'gpt-4o' });
  await page.goto(`${server.url}/#security`);
  const passphrase = 'amber kettle under a northern sky';
  await page.getByLabel('New passphrase').fill(passphrase);
  await page.getByLabel('Repeat it').fill(passphrase);
  await page.getByRole('button', { name: 'Set passphrase' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Passphrase set.' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByTestId('device-lock')).toContainText('On, with a passphrase');

  await page.goto(`${server.url}/#status`);
  await page.getByTestId('popup-lock-now').click();
  await expect(page.getByRole('heading', { name: 'Locked' })).toBeVisible();
  await screenshot(page, 'pwa-locked');
  await page.goto(`${server.url}/#records`);
  await expect(page.getByRole('heading', { name: 'Locked' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Locked' })).toBeVisible({ timeout: 15_000 });

  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByTestId('unlock-device').click();
  await expect(page.getByRole('list', { name: 'Profiles' })).toContainText('App secret', {
    timeout: 30_000,
  });
  await screenshot(page, 'pwa-unlocked-records');

  // Left alone for the idle time chosen in Security, the open app locks by itself.
  await page.goto(`${server.url}/#security`);
  const card = page.getByTestId('device-lock');
  await card.getByLabel('Lock after').selectOption('1');
  await expect(card.getByLabel('Lock after')).toHaveValue('1');
  await page.goto(`${server.url}/#status`);
  await expectInSync(page);
  const idleFrom = Date.now();
  await expect(page.getByRole('heading', { name: 'Locked' })).toBeVisible({ timeout: 120_000 });
  expect(Date.now() - idleFrom).toBeGreaterThan(50_000);
  await screenshot(page, 'pwa-idle-locked');
  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByTestId('unlock-device').click();
  await expectInSync(page);
});
