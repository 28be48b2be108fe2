/**
 * "Remove and rotate key" from the options page: the person sees the devices the new key goes
 * to, by name and key fingerprint, before it runs; the removed profile is signed out and what it
 * kept opens nothing resealed afterwards; a new recovery key is shown once.
 */
import type { TestServer } from '../../src/server/testing';
import { readServerRecords } from '../../test/rig/server-control';
import { shownFingerprint, storedKeys } from './account-keys';
import { connectExistingAccount, connectNewAccount, expectInSync } from './connect';
import { expect, launchProfile, screenshot, test } from './fixtures';
import { createProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('remove a device and rotate the key in one confirmed action', async ({ profile: laptop }) => {
  test.setTimeout(240_000);
  const person = newPerson();
  const { popup, recoveryKey } = await connectNewAccount(laptop, server.url, person);
  const options = await laptop.openOptions('records');
  await createProfile(options, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
  await popup.bringToFront();
  await expectInSync(popup);

  const tablet = await launchProfile();
  try {
    const tabletPopup = await connectExistingAccount(tablet, server.url, person, recoveryKey);
    const tabletDevices = await tablet.openOptions('devices');
    const self = tabletDevices.locator('ul.list > li').filter({ hasText: 'this device' });
    await self.getByRole('button', { name: 'Rename' }).click();
    await self.getByLabel('New name').fill('Lost tablet');
    await self.getByRole('button', { name: 'Save' }).click();
    await expect(tabletDevices.getByText('Lost tablet')).toBeVisible();
    const { accountId, deviceId } = await storedKeys(await laptop.serviceWorker());
    const security = await laptop.openOptions('security');
    const before = await shownFingerprint(security);

    const devices = await laptop.openOptions('devices');
    const row = devices.locator('ul.list > li').filter({ hasText: 'Lost tablet' });
    await row.getByTestId('remove-and-rotate').click();
    const panel = devices.getByTestId('revoke-rotate-panel');
    const recipients = panel.getByTestId('rotation-recipients');
    await expect(recipients.locator('li')).toHaveCount(1, { timeout: 30_000 });
    await expect(recipients).toContainText('this device');
    await expect(recipients).not.toContainText('Lost tablet');
    await expect(recipients).toContainText(/key [0-9a-f]{4} [0-9a-f]{4}/);
    await expect(panel.getByTestId('new-recovery-key')).toBeChecked();
    await screenshot(devices, 'options-revoke-rotate-confirm');
    await panel.getByTestId('confirm-revoke-rotate').click();

    const shown = devices.getByTestId('recovery-key');
    await expect(shown).toBeVisible({ timeout: 60_000 });
    expect((await shown.textContent())?.trim()).not.toBe(recoveryKey);
    await screenshot(devices, 'options-revoke-rotate-recovery-key');
    await devices.getByLabel('I have saved my recovery key somewhere safe').check();
    await devices.getByRole('button', { name: 'Continue' }).click();
    await expect(devices.getByRole('status').filter({ hasText: 'was rotated' })).toBeVisible({
      timeout: 60_000,
    });
    await expect(devices.locator('ul.list > li').filter({ hasText: 'Lost tablet' })).toHaveCount(0);

    await popup.bringToFront();
    await popup.reload();
    await expectInSync(popup);
    await security.reload();
    const after = await shownFingerprint(security);
    expect(after).not.toBe(before);
    const resealed = await readServerRecords(server, { accountId, deviceId });
    expect(resealed.size).toBe(1);
    for (const record of resealed.values()) expect(record.key_fingerprint).toBe(after);

    // Live sync has told the tablet already (its stream closed with 4403): no click needed.
    await tabletPopup.bringToFront();
    await expect(tabletPopup.locator('[role="alert"][data-code="device_revoked"]')).toBeVisible();
    await expect(tabletPopup.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
  } finally {
    await tablet.close();
  }
});
