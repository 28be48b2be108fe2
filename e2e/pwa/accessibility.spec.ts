/**
 * axe-core finds nothing on the app's screens, in light and in dark, at phone size (issue 15):
 * signed out, setting up encryption, in sync with a profile to use, and every section.
 */
import type { TestServer } from '../../src/server/testing';
import { expectAccessible } from '../a11y/axe';
import { createKey, expectInSync } from '../extension/connect';
import { createProfile, editProfile, openProfile } from '../extension/records';
import { newPerson } from '../extension/sync-server';
import { approveInTab, startAppConnect } from './connect-app';
import { expect, PHONE, startAppServer, test } from './fixtures';

let server: TestServer;
test.beforeAll(async () => {
  server = await startAppServer();
});
test.afterAll(async () => {
  await server?.close();
});

const SECTIONS = ['records', 'sync', 'devices', 'security', 'activity', 'backup', 'conflicts'];

test('every app screen passes axe-core in light and dark', async ({ app }) => {
  test.setTimeout(150_000);
  const page = await app.open(server.url, '/', PHONE);
  await expect(page.getByRole('button', { name: 'Check server' })).toBeVisible();
  await expectAccessible(page, 'app, signed out');

  const { tab, userCode } = await startAppConnect(app, page, server.url);
  await approveInTab(tab, userCode, newPerson(), 'new');
  await tab.close();
  await expect(page.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  await expectAccessible(page, 'app, set up encryption');
  await createKey(page);
  await expectInSync(page);

  await page.goto(`${server.url}/#records`);
  await createProfile(page, { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-a' });
  await page.goto(`${server.url}/#status`);
  await page.getByTestId('use-profile').getByText('Use a profile').click();
  await expect(page.getByRole('list', { name: 'Profiles to use' })).toContainText('Work');
  await expectAccessible(page, 'app status, in sync');

  for (const section of SECTIONS) {
    await page.goto(`${server.url}/#${section}`);
    await expect(page.locator('main h1').first()).toBeVisible();
    if (section === 'records') await openProfile(page, 'Work');
    await expectAccessible(page, `app ${section}`);
  }

  // The warning tones too: offline, with an edit waiting ("Offline" and "pending sync" pills).
  await app.context.setOffline(true);
  await page.goto(`${server.url}/#records`);
  await editProfile(page, 'Work', { model: 'gpt-4.1' });
  await expect(page.getByText('pending sync')).toBeVisible();
  await expect(page.getByTestId('status')).toHaveText('Offline', { timeout: 15_000 });
  await expectAccessible(page, 'app records, offline with an edit pending');
  await app.context.setOffline(false);
});
