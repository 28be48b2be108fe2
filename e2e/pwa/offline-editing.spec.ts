/**
 * On a phone with no signal: the person edits in the app, the edits survive a reload and show as
 * waiting, and when the network returns they reach the server and the extension on another
 * profile with no click in the app.
 */
import type { TestServer } from '../../src/server/testing';
import { connectExistingAccount, createKey, expectInSync } from '../extension/connect';
import { launchProfile } from '../extension/fixtures';
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

test('edits made offline on a phone survive a reload, show as pending, and sync on reconnect', async ({
  app,
}) => {
  test.setTimeout(150_000);
  const person = newPerson();
  const page = await app.open(server.url, '/', PHONE);
  const { tab, userCode } = await startAppConnect(app, page, server.url);
  await approveInTab(tab, userCode, person, 'new');
  await tab.close();
  await expect(page.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  const recoveryKey = await createKey(page);
  await expectInSync(page);

  const extension = await launchProfile();
  try {
    const popup = await connectExistingAccount(extension, server.url, person, recoveryKey);

    await app.context.setOffline(true);
    await page.goto(`${server.url}/#records`);
    const bar = page.getByTestId('status');
    await expect(bar).toHaveText('Offline');
    await page.getByRole('tab', { name: /Profiles/ }).click();
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const form = page.locator('form[aria-labelledby="record-form-title"]');
    await form.getByLabel('Name', { exact: true }).fill('Written offline');
    await form.getByLabel('Provider').fill('openai');
    await form.getByLabel('Model').fill('gpt-4o-mini');
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Edit profile' })).toBeVisible();
    const item = page.getByRole('list', { name: 'Profiles' }).getByRole('button', {
      name: /Written offline/,
    });
    await expect(item.getByText('pending sync')).toBeVisible();

    // Closed and reopened with still no network: the edit is kept and still waiting.
    await page.reload();
    await expect(item.getByText('pending sync')).toBeVisible();
    await expect(bar).toHaveText('Offline');
    await page.goto(`${server.url}/#status`);
    await expect(page.getByTestId('count-pending')).toHaveText('1');
    await screenshot(page, 'pwa-offline-pending');
    // Chromium has Background Sync: the worker asked to be woken when connectivity returns.
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const registration = (await navigator.serviceWorker
            .ready) as ServiceWorkerRegistration & {
            sync: { getTags(): Promise<string[]> };
          };
          return registration.sync.getTags();
        }),
      )
      .toContain('satchel-outbox');

    // The network returns; nobody touches the app.
    await app.context.setOffline(false);
    await expectInSync(page);

    await popup.bringToFront();
    await popup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popup);
    const options = await extension.openOptions('records');
    await options.getByRole('tab', { name: /Profiles/ }).click();
    await options
      .getByRole('list', { name: 'Profiles' })
      .getByRole('button', { name: 'Written offline' })
      .click();
    await expect(
      options.locator('form[aria-labelledby="record-form-title"]').getByLabel('Model'),
    ).toHaveValue('gpt-4o-mini');
  } finally {
    await extension.close();
  }
});
