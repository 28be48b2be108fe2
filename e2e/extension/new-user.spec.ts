/**
 * A new person connects through the sign-in tab and the real /activate page, saves the recovery
 * key, creates a profile in the options page and sees it synced in the popup.
 */
import type { TestServer } from '../../src/server/testing';
import { createKey, decideInTab, expectInSync, startConnect, userCodeIn } from './connect';
import { expect, screenshot, test } from './fixtures';
import { createProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('a new user connects, saves the recovery key, creates a profile and sees it synced', async ({
  profile,
}) => {
  const person = newPerson();
  const popup = await profile.openPopup();
  await screenshot(popup, 'popup-signed-out');

  const tab = await startConnect(profile, popup, server.url);
  await expect(
    popup.getByTestId('status').or(popup.getByText('Waiting for approval')),
  ).toBeVisible();
  await screenshot(popup, 'popup-signing-in');
  await decideInTab(tab, await userCodeIn(popup), person);
  await expect(tab.getByRole('heading', { name: /approved|connected/i })).toBeVisible();

  await expect(popup.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  await screenshot(popup, 'popup-key-setup');
  const recoveryKey = await createKey(popup);
  expect(recoveryKey).toMatch(/\S{4,}/);
  await expectInSync(popup);
  await expect(popup.getByTestId('count-profiles')).toHaveText('0');

  const options = await profile.openOptions('records');
  await createProfile(options, {
    name: 'Work',
    provider: 'openai',
    model: 'gpt-4o',
    apiKey: 'sk-secret-work-123',
  });
  // The API key is masked in the form until revealed.
  await expect(options.locator('#field-apiKey')).toHaveAttribute('type', 'password');

  await popup.bringToFront();
  await expect(popup.getByTestId('count-profiles')).toHaveText('1');
  await expectInSync(popup);
  await expect(popup.getByTestId('last-sync')).toContainText('Last synced just now');
  await screenshot(popup, 'popup-in-sync');
  const background = () =>
    popup.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const light = await background();
  await popup.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(background).not.toBe(light);
  await screenshot(popup, 'popup-in-sync-dark');
  await popup.emulateMedia({ colorScheme: 'light' });

  // The activity log shows the run that sent it to the server.
  await options.getByRole('link', { name: 'Activity' }).click();
  const sent = options
    .locator('tbody tr')
    .filter({ has: options.locator('td:nth-child(4)', { hasText: /^1$/ }) });
  await expect(sent.first()).toContainText('OK');
});
