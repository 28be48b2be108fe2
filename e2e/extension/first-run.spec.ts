/**
 * The first hour (issue 15): installing the extension opens a guide that walks from nothing to
 * "In sync" — the server address (checked before anything else happens), this device's name,
 * the sign-in on the server's page, the encryption key — without the person ever looking for
 * the options page or the toolbar icon.
 */
import type { TestServer } from '../../src/server/testing';
import { createKey, decideInTab, expectInSync, userCodeIn } from './connect';
import { expect, screenshot, test } from './fixtures';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('installing opens a guide that goes from a server address to "In sync"', async ({
  profile,
}) => {
  test.setTimeout(90_000);
  const guide = profile.welcome;
  await expect(guide.getByRole('heading', { name: 'Welcome to Satchel' })).toBeVisible();
  const steps = guide.getByRole('list', { name: 'Setup steps' });
  await expect(steps.locator('[aria-current="step"]')).toHaveText('Server');
  // Nothing can be named or connected before the server is known to answer.
  await expect(guide.getByLabel('Device name')).toHaveCount(0);
  await screenshot(guide, 'welcome-1-server');

  await guide.getByLabel('Sync server').fill('http://127.0.0.1:9');
  await guide.getByRole('button', { name: 'Check server' }).click();
  await expect(guide.locator('[role="alert"][data-code="network_unreachable"]')).toBeVisible();
  await guide.getByLabel('Sync server').fill(server.url);
  await guide.getByRole('button', { name: 'Check server' }).click();
  await expect(guide.getByTestId('server-checked')).toContainText('A Satchel server (version');

  const name = guide.getByLabel('Device name');
  await expect(name).toHaveValue(/Chrom/);
  await name.fill('Work laptop');
  await screenshot(guide, 'welcome-2-name');
  const opened = profile.context.waitForEvent('page');
  await guide.getByRole('button', { name: 'Connect' }).click();
  const tab = await opened;
  await tab.waitForURL(`${server.url}/activate**`);
  await expect(steps.locator('[aria-current="step"]')).toHaveText('Sign in');
  await decideInTab(tab, await userCodeIn(guide), newPerson());
  await tab.close();

  await expect(guide.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  await expect(steps.locator('[aria-current="step"]')).toHaveText('Encryption');
  await screenshot(guide, 'welcome-3-encryption');
  await createKey(guide);
  await expect(guide.getByTestId('welcome-done')).toContainText('You are set up');
  await expect(steps.locator('[aria-current="step"]')).toHaveText('Done');
  await screenshot(guide, 'welcome-4-done');

  const popup = await profile.openPopup();
  await expectInSync(popup);
  const devices = await profile.openOptions('devices');
  await expect(devices.getByRole('main')).toContainText('Work laptop');
});

test('the options page offers the same guide while signed out', async ({ profile }) => {
  const options = await profile.openOptions('sync');
  await options
    .getByTestId('connect-prompt')
    .getByRole('link', { name: 'Connect this device' })
    .click();
  await expect(options.getByRole('heading', { name: 'Welcome to Satchel' })).toBeVisible();
  await expect(options.getByLabel('Sync server')).toBeVisible();
  await expect(options.getByTestId('interval-current')).toHaveCount(0);
});
