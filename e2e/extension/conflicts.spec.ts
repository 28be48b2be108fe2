/**
 * Under the manual strategy, the same field edited on two devices is a conflict: the badge and
 * the popup show it, the diff is right with secrets masked, and each way of resolving it ends
 * with the expected values on both devices.
 */
import type { Page } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { expectAccessible } from '../a11y/axe';
import { connectExistingAccount, connectNewAccount, expectInSync } from './connect';
import { badgeText, expect, launchProfile, screenshot, test } from './fixtures';
import { createProfile, editProfile, openProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

async function revealedApiKey(options: Page, name: string): Promise<string> {
  await openProfile(options, name);
  await options.getByRole('button', { name: 'Reveal API key' }).click();
  return options.locator('#field-apiKey').inputValue();
}

async function profileNames(options: Page): Promise<string[]> {
  await options.getByRole('link', { name: 'Settings data' }).click();
  const list = options.getByRole('list', { name: 'Profiles' });
  await expect(list).toBeVisible();
  return (await list.getByRole('button').allTextContents()).map((t) => t.trim()).sort();
}

test('manual conflicts show in the badge and popup and resolve as chosen everywhere', async ({
  profile: first,
}) => {
  test.setTimeout(150_000);
  const person = newPerson();
  const { popup: popupA, recoveryKey } = await connectNewAccount(first, server.url, person);
  const optionsA = await first.openOptions('records');
  for (const [name, key] of [
    ['One', 'sk-1'],
    ['Two', 'sk-2'],
    ['Three', 'sk-3'],
  ] as const) {
    await createProfile(optionsA, { name, provider: 'openai', model: 'gpt-4o', apiKey: key });
  }
  await popupA.bringToFront();
  await expectInSync(popupA);

  const second = await launchProfile();
  try {
    const popupB = await connectExistingAccount(second, server.url, person, recoveryKey);
    await expect(popupB.getByTestId('count-profiles')).toHaveText('3');
    const optionsB = await second.openOptions('sync');
    await optionsB.getByLabel('When the same field changed on two devices').selectOption('manual');
    await expect(optionsB.getByLabel('When the same field changed on two devices')).toHaveValue(
      'manual',
    );

    // B goes offline and edits; meanwhile A edits the same fields and syncs.
    await second.context.setOffline(true);
    await optionsB.getByRole('link', { name: 'Settings data' }).click();
    await editProfile(optionsB, 'One', { name: 'One-B' });
    await editProfile(optionsB, 'Two', { name: 'Two-B' });
    await editProfile(optionsB, 'Three', { name: 'Three-B', apiKey: 'sk-3b' });
    await optionsA.bringToFront();
    await editProfile(optionsA, 'One', { name: 'One-A' });
    await editProfile(optionsA, 'Two', { name: 'Two-A' });
    await editProfile(optionsA, 'Three', { name: 'Three-A', apiKey: 'sk-3a' });
    await popupA.bringToFront();
    await expectInSync(popupA);

    await second.context.setOffline(false);
    await popupB.bringToFront();
    await expect(popupB.getByTestId('conflict-count')).toHaveText('3 conflicts to resolve', {
      timeout: 20_000,
    });
    const workerB = await second.serviceWorker();
    await expect.poll(() => badgeText(workerB)).toBe('3');
    expect(await badgeText(await first.serviceWorker())).toBe('');
    await screenshot(popupB, 'popup-conflicts-badge');

    await popupB.getByRole('button', { name: 'Review' }).click();
    const list = popupB.getByRole('list', { name: 'Conflicts' });
    await expect(list.getByRole('listitem')).toHaveCount(3);
    await screenshot(popupB, 'popup-conflicts-list');
    await expectAccessible(popupB, 'popup, conflicts');

    // Three: the name and the API key differ. The diff shows both sides; the key stays masked.
    await list.getByRole('listitem').filter({ hasText: 'Three-B' }).getByRole('button').click();
    const diff = popupB.getByRole('table', { name: /Differences for Three-B/ });
    const nameRow = diff.locator('tr[data-field="name"]');
    await expect(nameRow.locator('td .value')).toHaveText(['Three', 'Three-B', 'Three-A']);
    await expect(nameRow.locator('td[data-changed="true"]')).toHaveCount(2);
    const keyRow = diff.locator('tr[data-field="apiKey"]');
    await expect(keyRow.locator('[data-masked="true"]')).toHaveCount(3);
    await expect(diff).not.toContainText('sk-3');
    await screenshot(popupB, 'popup-conflict-diff');
    await expectAccessible(popupB, 'popup, a conflict diff');
    await keyRow.locator('td').nth(2).getByRole('button', { name: 'Reveal API key' }).click();
    await expect(keyRow.locator('td').nth(2)).toContainText('sk-3a');
    // Merge: the name from this device, the key from the other.
    await popupB.getByText('Merge field by field').click();
    await popupB.getByRole('radiogroup', { name: 'Name' }).getByLabel('this device').check();
    await popupB.getByRole('radiogroup', { name: 'API key' }).getByLabel('other device').check();
    await popupB.getByRole('button', { name: 'Save merged version' }).click();

    await expect(list.getByRole('listitem')).toHaveCount(2);
    await list.getByRole('listitem').filter({ hasText: 'One-B' }).getByRole('button').click();
    await popupB.getByRole('button', { name: 'Keep this device’s' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await list.getByRole('listitem').filter({ hasText: 'Two-B' }).getByRole('button').click();
    await popupB.getByRole('button', { name: 'Keep the other device’s' }).click();

    await expect(popupB.getByTestId('conflict-count')).toHaveCount(0);
    await expectInSync(popupB);
    await expect.poll(() => badgeText(workerB)).toBe('');

    await popupA.bringToFront();
    await popupA.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popupA);
    const expected = ['One-B', 'Three-B', 'Two-A'];
    await optionsA.bringToFront();
    await expect.poll(() => profileNames(optionsA)).toEqual(expected);
    await optionsB.bringToFront();
    await expect.poll(() => profileNames(optionsB)).toEqual(expected);
    expect(await revealedApiKey(optionsA, 'Three-B')).toBe('sk-3a');
    expect(await revealedApiKey(optionsB, 'Three-B')).toBe('sk-3a');
  } finally {
    await second.close();
  }
});
