/**
 * A device that already holds settings joins an account that holds others: the popup asks how
 * to combine them, with a preview of each choice, and nothing is overwritten unasked.
 */
import type { TestServer } from '../../src/server/testing';
import {
  connectNewAccount,
  decideInTab,
  expectInSync,
  startConnect,
  unlockWith,
  userCodeIn,
} from './connect';
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

test('joining with local data asks how to combine, previews it, and merges both', async ({
  profile: first,
}) => {
  test.setTimeout(120_000);
  const person = newPerson();
  const { popup: popupA, recoveryKey } = await connectNewAccount(first, server.url, person);
  const optionsA = await first.openOptions('records');
  await createProfile(optionsA, { name: 'From A', provider: 'openai', model: 'gpt-4o' });
  await popupA.bringToFront();
  await expectInSync(popupA);

  const second = await launchProfile();
  try {
    // B was used on its own before connecting.
    const optionsB = await second.openOptions('records');
    await createProfile(optionsB, { name: 'From B', provider: 'openai', model: 'o3' });
    const popupB = await second.openPopup();
    const tab = await startConnect(second, popupB, server.url);
    await decideInTab(tab, await userCodeIn(popupB), person);
    await tab.close();
    await unlockWith(popupB, recoveryKey);

    await expect(popupB.getByRole('heading', { name: 'Both sides have settings' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(
      popupB.getByText('This device holds 1 item; your account holds 1 item.'),
    ).toBeVisible();
    await expect(popupB.getByTestId('preview-merge')).toHaveText(
      '1 added here · 1 uploaded · 0 combined',
    );
    await expect(popupB.getByTestId('preview-useAccount')).toContainText('1 removed here');
    await expect(popupB.getByTestId('preview-uploadLocal')).toContainText(
      '1 removed in the account',
    );
    await screenshot(popupB, 'popup-first-join');
    await expect(popupB.getByRole('radio', { name: /Merge both/ })).toBeChecked();
    await popupB.getByRole('button', { name: 'Continue' }).click();
    await expectInSync(popupB);
    await expect(popupB.getByTestId('count-profiles')).toHaveText('2');

    await popupA.bringToFront();
    await popupA.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popupA);
    await expect(popupA.getByTestId('count-profiles')).toHaveText('2');
  } finally {
    await second.close();
  }
});
