/**
 * The bulk-delete guard: a sync that would delete most of the account pauses and asks in the
 * popup, with a preview; "Keep them" brings the records back, "Delete" lets the sync go on.
 */
import type { Page } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { connectNewAccount, expectInSync } from './connect';
import { expect, type Profile, screenshot, test } from './fixtures';
import { createProfile, openProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

const NAMES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'];

/** Deletes while offline, so all five deletions reach one sync together. */
async function deleteFive(profile: Profile, options: Page): Promise<void> {
  await profile.context.setOffline(true);
  await options.bringToFront();
  for (const name of NAMES.slice(0, 5)) {
    await openProfile(options, name);
    options.once('dialog', (dialog) => void dialog.accept());
    await options.getByRole('button', { name: 'Delete' }).click();
    await expect(
      options.getByRole('list', { name: 'Profiles' }).getByRole('button', { name }),
    ).toHaveCount(0);
  }
  await profile.context.setOffline(false);
}

test('deleting most of the account asks first; keep restores, delete goes through', async ({
  profile,
}) => {
  test.setTimeout(120_000);
  const { popup } = await connectNewAccount(profile, server.url, newPerson());
  const options = await profile.openOptions('records');
  for (const name of NAMES) await createProfile(options, { name, provider: 'openai', model: 'm' });
  await popup.bringToFront();
  await expectInSync(popup);
  await expect(popup.getByTestId('count-profiles')).toHaveText('6');

  await deleteFive(profile, options);
  await popup.bringToFront();
  await expect(popup.getByRole('heading', { name: 'Delete 5 items?' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(popup.getByRole('alert')).toContainText(
    'This sync would delete 5 of 6 items from your account (and every other device).',
  );
  await expect(popup.getByTestId('bulk-delete-preview')).toHaveText('5 profiles');
  await screenshot(popup, 'popup-bulk-delete');
  await popup.getByRole('button', { name: 'Keep them' }).click();
  await expectInSync(popup);
  await expect(popup.getByTestId('count-profiles')).toHaveText('6');

  await deleteFive(profile, options);
  await popup.bringToFront();
  await expect(popup.getByRole('heading', { name: 'Delete 5 items?' })).toBeVisible({
    timeout: 20_000,
  });
  await popup.getByRole('button', { name: 'Delete 5 items' }).click();
  await expectInSync(popup);
  await expect(popup.getByTestId('count-profiles')).toHaveText('1');
});
