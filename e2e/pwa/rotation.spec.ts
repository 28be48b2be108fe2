/**
 * An extension profile revokes a lost one and rotates the account key while the installed app is
 * connected too: the app picks the new key up by itself (no unlock screen, no secret typed), its
 * edits are sealed under the new key and reach the extension.
 */

import type { TestServer } from '../../src/server/testing';
import { readServerRecords } from '../../test/rig/server-control';
import { revokeAndRotate, shownFingerprint, storedKeys } from '../extension/account-keys';
import {
  connectExistingAccount,
  connectNewAccount,
  expectInSync,
  unlockWith,
} from '../extension/connect';
import { screenshot as extensionScreenshot, launchProfile } from '../extension/fixtures';
import { createProfile, editProfile } from '../extension/records';
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

/**
 * Flags (in sessionStorage, so it survives reloads) any moment the page shows the unlock screen:
 * checked at the end, so a screen that flashed and went away still fails the test.
 */
function watchForUnlockScreen(): void {
  const check = () => {
    for (const heading of document.querySelectorAll('h1, h2')) {
      if (heading.textContent?.includes('Unlock your settings')) {
        sessionStorage.setItem('satchel-e2e-saw-unlock', '1');
      }
    }
  };
  const start = () => {
    check();
    new MutationObserver(check).observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  };
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
}

test('the app picks the rotated key up by itself and keeps syncing with the extension', async ({
  app,
}) => {
  test.setTimeout(300_000);
  const person = newPerson();
  const laptop = await launchProfile();
  const tablet = await launchProfile();
  try {
    // The laptop creates the account and a record; the tablet joins and names itself.
    const { popup: laptopPopup, recoveryKey } = await connectNewAccount(laptop, server.url, person);
    const laptopOptions = await laptop.openOptions('records');
    await createProfile(laptopOptions, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
    await laptopPopup.bringToFront();
    await expectInSync(laptopPopup);

    await connectExistingAccount(tablet, server.url, person, recoveryKey);
    const tabletDevices = await tablet.openOptions('devices');
    const self = tabletDevices.locator('ul.list > li').filter({ hasText: 'this device' });
    await self.getByRole('button', { name: 'Rename' }).click();
    await self.getByLabel('New name').fill('Lost tablet');
    await self.getByRole('button', { name: 'Save' }).click();
    await expect(tabletDevices.getByText('Lost tablet')).toBeVisible({ timeout: 20_000 });

    // The app joins with the recovery key and sees the record.
    const page = await app.open(server.url, '/', PHONE);
    const { tab, userCode } = await startAppConnect(app, page, server.url);
    await approveInTab(tab, userCode, person, 'existing');
    await tab.close();
    await page.bringToFront();
    await unlockWith(page, recoveryKey);
    await expectInSync(page);
    await expect(page.getByTestId('count-profiles')).toHaveText('1', { timeout: 20_000 });

    const laptopSecurity = await laptop.openOptions('security');
    const before = await shownFingerprint(laptopSecurity);
    await page.goto(`${server.url}/#security`);
    expect(await shownFingerprint(page)).toBe(before);
    // From here on, the app must never ask for a secret again.
    await app.context.addInitScript(watchForUnlockScreen);
    await page.evaluate(watchForUnlockScreen);

    // The laptop revokes the tablet and rotates the account key.
    const devices = await laptop.openOptions('devices');
    await revokeAndRotate(devices, 'Lost tablet');
    await expect(devices.getByRole('status').filter({ hasText: 'was rotated' })).toBeVisible({
      timeout: 60_000,
    });
    await extensionScreenshot(devices, 'pwa-rotation-extension-rotated');
    await laptopPopup.bringToFront();
    await laptopPopup.reload();
    await expectInSync(laptopPopup);
    await laptopSecurity.reload();
    const after = await shownFingerprint(laptopSecurity);
    expect(after).not.toBe(before);

    // The app edits the record; it takes the new key on its own and pushes the change.
    await page.bringToFront();
    await page.goto(`${server.url}/#records`);
    await editProfile(page, 'Work', { name: 'Work (app after rotation)' });
    await page.goto(`${server.url}/#status`);
    await expectInSync(page);
    await expect(page.getByRole('heading', { name: 'Unlock your settings' })).toHaveCount(0);
    await page.goto(`${server.url}/#security`);
    await expect(page.getByTestId('fingerprint')).toHaveText(after, { timeout: 30_000 });
    await screenshot(page, 'pwa-rotation-app-after');
    await page.goto(`${server.url}/#status`);
    await expectInSync(page);
    expect(await page.evaluate(() => sessionStorage.getItem('satchel-e2e-saw-unlock'))).toBeNull();

    // The laptop gets the app's edit.
    await laptopPopup.bringToFront();
    await laptopPopup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(laptopPopup);
    await laptopOptions.bringToFront();
    await expect(async () => {
      await laptopOptions.reload();
      await expect(
        laptopOptions
          .getByRole('list', { name: 'Profiles' })
          .getByRole('button', { name: 'Work (app after rotation)' }),
      ).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 45_000 });

    // Everything on the server is sealed under the new key.
    const account = await storedKeys(await laptop.serviceWorker());
    const records = await readServerRecords(server, account);
    expect(records.size).toBe(1);
    for (const record of records.values()) expect(record.key_fingerprint).toBe(after);
  } finally {
    await tablet.close();
    await laptop.close();
  }
});
