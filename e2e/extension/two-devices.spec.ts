/**
 * A second browser profile joins the same account with the recovery key and shows the profile;
 * an edit on one appears on the other after "Sync now", and by itself within the interval (live
 * sync off on the receiving one).
 */
import type { TestServer } from '../../src/server/testing';
import { connectExistingAccount, connectNewAccount, expectInSync } from './connect';
import { expect, launchProfile, screenshot, test } from './fixtures';
import { createProfile, editProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('a second profile joins with the recovery key; edits travel both ways', async ({
  profile: first,
}) => {
  test.setTimeout(150_000);
  const person = newPerson();
  const { popup: popupA, recoveryKey } = await connectNewAccount(first, server.url, person);
  const optionsA = await first.openOptions('records');
  await createProfile(optionsA, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
  await popupA.bringToFront();
  await expectInSync(popupA);

  const second = await launchProfile();
  try {
    const popupB = await connectExistingAccount(second, server.url, person, recoveryKey);
    await expect(popupB.getByTestId('count-profiles')).toHaveText('1');
    await screenshot(popupB, 'popup-second-device-joined');
    const optionsB = await second.openOptions('records');
    const listB = optionsB.getByRole('list', { name: 'Profiles' });
    await expect(listB.getByRole('button', { name: 'Work' })).toBeVisible();

    // Edited on B, pushed, and fetched on A by "Sync now".
    await editProfile(optionsB, 'Work', { name: 'Work (from B)' });
    await popupB.bringToFront();
    await expectInSync(popupB);
    await popupA.bringToFront();
    await popupA.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popupA);
    await optionsA.bringToFront();
    await expect(
      optionsA
        .getByRole('list', { name: 'Profiles' })
        .getByRole('button', { name: 'Work (from B)' }),
    ).toBeVisible();

    // B syncs every 30 s by itself: an edit on A arrives with no click on B. Live sync off, so
    // the timer is what brings it (e2e/extension/live.spec.ts covers the stream).
    await optionsB.getByRole('link', { name: 'Sync' }).click();
    await optionsB.getByRole('switch', { name: /Live sync/ }).uncheck();
    await expect(optionsB.getByTestId('sync-mode')).toHaveAttribute('data-mode', 'interval');
    await optionsB.getByLabel('Sync every (minutes)').fill('0.5');
    await optionsB.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(optionsB.getByTestId('interval-current')).toHaveText(
      'Now syncing every 0.5 minutes.',
    );
    await editProfile(optionsA, 'Work (from B)', { name: 'Work (from A)' });
    await popupA.bringToFront();
    await expectInSync(popupA);
    await optionsB.getByRole('link', { name: 'Settings data' }).click();
    await expect(listB.getByRole('button', { name: 'Work (from A)' })).toBeVisible({
      timeout: 45_000,
    });
    await optionsB.getByRole('link', { name: 'Activity' }).click();
    const why = optionsB.locator('tbody tr').first().locator('td').nth(1);
    await expect(why).toHaveAttribute('data-trigger', 'interval');
    await expect(why).toHaveText('Timed sync');
  } finally {
    await second.close();
  }
});
