/**
 * A server that goes back to an older key document (restored from a backup, or lying): after a
 * rotation this device verified, it signs out and in again and the server serves the document
 * from before the rotation. The unlock is refused with an explanation; Cancel leaves the device
 * locked as it was, and starting over (after the explicit acknowledgement) unlocks it into the
 * keys the server holds now.
 */
import type { Worker } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { replaceKeyDocument } from '../../test/rig/server-control';
import { shownFingerprint, storedKeys } from './account-keys';
import { connectNewAccount, expectInSync, startConnect, unlockWith, userCodeIn } from './connect';
import { expect, screenshot, test } from './fixtures';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

/** What the profile's engine keeps: whether it holds a key, and the epoch it is pinned to. */
function keyState(worker: Worker): Promise<{ holdsKey: boolean; pinnedEpoch: number | null }> {
  return worker.evaluate(
    () =>
      new Promise<{ holdsKey: boolean; pinnedEpoch: number | null }>((resolve, reject) => {
        const open = indexedDB.open('satchel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const meta = open.result.transaction('meta').objectStore('meta');
          const keys = meta.get('keys');
          const pins = meta.get('keyPins');
          pins.onsuccess = () => {
            resolve({
              holdsKey: keys.result !== undefined,
              pinnedEpoch: pins.result?.epoch ?? null,
            });
            open.result.close();
          };
        };
      }),
  );
}

test('an older key document served after a rotation: explained, cancel keeps the device locked, starting over unlocks', async ({
  profile,
}) => {
  test.setTimeout(120_000);
  const person = newPerson();
  const { popup, recoveryKey } = await connectNewAccount(profile, server.url, person);
  const worker = await profile.serviceWorker();
  const { accountId } = await storedKeys(worker);
  const backup = await server.store.getKeyDocument(accountId);
  if (!backup) throw new Error('the account has no key document');

  // The key is rotated (same recovery key): this device verifies, and pins, the next epoch.
  const security = await profile.openOptions('security');
  const original = await shownFingerprint(security);
  expect(original).toBe(backup.keyFingerprint);
  await security.getByTestId('rotate-key').click();
  await expect(security.getByRole('status').filter({ hasText: 'was rotated' })).toBeVisible({
    timeout: 30_000,
  });
  await expect
    .poll(async () => (await server.store.getKeyDocument(accountId))?.epoch)
    .toBe(backup.epoch + 1);
  await security.close();
  expect(await keyState(worker)).toEqual({ holdsKey: true, pinnedEpoch: backup.epoch + 1 });

  // Disconnected (the pins stay), the server goes back to the document from before.
  await popup.bringToFront();
  await expectInSync(popup);
  await popup
    .getByRole('button', { name: 'Disconnect this device (keeps your data here)' })
    .click();
  await replaceKeyDocument(server, accountId, {
    document: backup.keyDocument,
    fingerprint: backup.keyFingerprint,
    epoch: backup.epoch,
  });
  // The sign-in page remembers the person from the first time: it asks only to approve.
  const tab = await startConnect(profile, popup, server.url);
  await expect(tab.getByRole('heading', { name: 'Connect this device?' })).toBeVisible();
  await expect(tab.locator('[data-user-code]')).toHaveText(await userCodeIn(popup));
  await tab.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(tab.locator('main[data-page="outcome"]')).toBeVisible();
  await tab.close();

  // The unlock is refused and explained; starting over waits for the acknowledgement.
  await unlockWith(popup, recoveryKey);
  const panel = popup.getByTestId('key-rollback');
  await expect(panel).toBeVisible();
  await expect(panel.locator('[role="alert"][data-code="key_rollback"]')).toContainText(
    'restored from a backup',
  );
  await expect(panel).toContainText('trick this device');
  const confirm = panel.getByRole('button', { name: 'Start over with these keys' });
  await expect(confirm).toBeDisabled();
  await screenshot(popup, 'popup-key-rollback');

  // Cancel: back to the empty form, the device still locked and pinned to the rotated epoch.
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel).toHaveCount(0);
  await expect(popup.getByRole('heading', { name: 'Unlock your settings' })).toBeVisible();
  await expect(popup.getByRole('textbox', { name: 'Recovery key' })).toHaveValue('');
  expect(await keyState(worker)).toEqual({ holdsKey: false, pinnedEpoch: backup.epoch + 1 });

  // Again, and this time start over: the device unlocks into the keys the server serves now.
  await unlockWith(popup, recoveryKey);
  await expect(panel).toBeVisible();
  await panel
    .getByLabel(
      'I understand the server may be lying, and this device will trust the keys the server holds now',
    )
    .check();
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(popup.getByRole('heading', { name: 'Unlock your settings' })).toHaveCount(0, {
    timeout: 20_000,
  });
  await expectInSync(popup);
  expect(await keyState(worker)).toEqual({ holdsKey: true, pinnedEpoch: backup.epoch });
  const after = await profile.openOptions('security');
  expect(await shownFingerprint(after)).toBe(backup.keyFingerprint);
});
