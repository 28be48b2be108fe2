/**
 * Bad input: an unreachable or invalid server address, a denied or expired sign-in, a wrong
 * recovery key, a revoked device, an invalid form value. Each shows a specific, helpful message
 * and loses nothing the person typed or stored.
 */
import { generateRecoveryKey } from '../../src/engine/crypto/recovery-key';
import type { TestServer } from '../../src/server/testing';
import { expectAccessible } from '../a11y/axe';
import {
  connectNewAccount,
  decideInTab,
  expectInSync,
  startConnect,
  unlockWith,
  userCodeIn,
} from './connect';
import { badgeText, expect, launchProfile, screenshot, test } from './fixtures';
import { createProfile, fillProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('an unreachable or invalid server address says what is wrong and keeps what was typed', async ({
  profile,
}) => {
  const popup = await profile.openPopup();
  const input = popup.getByLabel('Sync server');
  // Caught at the check, before any sign-in tab opens.
  const connect = popup.getByRole('button', { name: 'Check server' });
  const alert = popup.locator('form [role="alert"]');

  await input.fill('http://127.0.0.1:9');
  await connect.click();
  await expect(alert).toHaveAttribute('data-code', 'network_unreachable');
  await expect(alert).toContainText('could not reach the sync server');
  await expect(input).toHaveValue('http://127.0.0.1:9');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await screenshot(popup, 'popup-server-unreachable');

  await input.fill('http://sync.example.com');
  await connect.click();
  await expect(alert).toHaveAttribute('data-code', 'insecure_server_url');
  await expect(alert).toContainText('Use https');

  await input.fill('ftp://files.example.com');
  await connect.click();
  await expect(alert).toHaveAttribute('data-code', 'invalid_server_url');
  await expect(alert).toContainText('not a valid server address');
  await expect(input).toHaveValue('ftp://files.example.com');
  await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible();
});

test('a denied sign-in says so and keeps the server address', async ({ profile }) => {
  const popup = await profile.openPopup();
  const tab = await startConnect(profile, popup, server.url);
  await decideInTab(tab, await userCodeIn(popup), newPerson(), 'Deny');
  await expect(tab.locator('main[data-page="outcome"]')).toContainText(/denied/i);
  await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible({
    timeout: 15_000,
  });
  const alert = popup.locator('[role="alert"][data-code="sign_in_denied"]');
  await expect(alert).toContainText('The sign-in was declined on the sign-in page');
  await expect(popup.getByLabel('Sync server')).toHaveValue(server.url);
  await screenshot(popup, 'popup-sign-in-denied');
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);
});

test('cancelling while waiting for approval stops the sign-in, even if it is approved later', async ({
  profile,
}) => {
  const popup = await profile.openPopup();
  const tab = await startConnect(profile, popup, server.url);
  const code = await userCodeIn(popup);
  await popup.getByRole('button', { name: 'Cancel' }).click();
  await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible();
  await expect(popup.getByLabel('Sync server')).toHaveValue(server.url);
  // Approving the abandoned code afterwards connects nothing: this device stopped asking.
  const person = newPerson();
  await decideInTab(tab, code, person);
  const account = await server.store.findAccountByUsername(person.username);
  expect(account).not.toBeNull();
  // Three of the server's 1 s poll intervals: a device still polling would have been created.
  await popup.waitForTimeout(3000);
  expect(await server.store.listDevices(account?.id ?? '')).toHaveLength(0);
  await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible();
});

test('an expired sign-in code says so and keeps the server address', async ({ profile }) => {
  const shortLived = await startSyncServer({ deviceCodeTtlS: 3 });
  try {
    const popup = await profile.openPopup();
    await startConnect(profile, popup, shortLived.url);
    await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(popup.locator('[role="alert"][data-code="sign_in_expired"]')).toContainText(
      'The sign-in code expired before it was approved',
    );
    await expect(popup.getByLabel('Sync server')).toHaveValue(shortLived.url);
  } finally {
    await shortLived.close();
  }
});

test('a wrong recovery key is refused with what to fix; a revoked device keeps its data', async ({
  profile: first,
}) => {
  test.setTimeout(120_000);
  const person = newPerson();
  const { popup: popupA, recoveryKey } = await connectNewAccount(first, server.url, person);
  const optionsA = await first.openOptions('records');
  await createProfile(optionsA, { name: 'Kept', provider: 'openai', model: 'gpt-4o' });
  await popupA.bringToFront();
  await expectInSync(popupA);

  const second = await launchProfile();
  try {
    const popupB = await second.openPopup();
    const tab = await startConnect(second, popupB, server.url);
    await decideInTab(tab, await userCodeIn(popupB), person);
    await tab.close();

    // A typo: the check characters catch it, and the message says so.
    const last = recoveryKey.at(-1) === '2' ? '3' : '2';
    const typo = `${recoveryKey.slice(0, -1)}${last}`;
    await unlockWith(popupB, typo);
    const alert = popupB.locator('#unlock-error [role="alert"]');
    await expect(alert).toHaveAttribute('data-code', 'invalid_recovery_key');
    await expect(alert).toContainText('has a typo');
    await expect(popupB.getByRole('textbox', { name: 'Recovery key' })).toHaveValue(typo);
    await screenshot(popupB, 'popup-recovery-key-typo');
    await expectAccessible(popupB, 'popup, unlock with a mistyped recovery key');

    // A well-formed key of some other account.
    await unlockWith(popupB, generateRecoveryKey());
    await expect(alert).toHaveAttribute('data-code', 'wrong_secret');
    await expect(alert).toContainText('does not open this account');
    await unlockWith(popupB, recoveryKey);
    await expectInSync(popupB);
    await expect(popupB.getByTestId('count-profiles')).toHaveText('1');

    // A revokes B from its Devices page; B cannot revoke A's current device by accident.
    await optionsA.bringToFront();
    await optionsA.getByRole('link', { name: 'Devices' }).click();
    const devices = optionsA.locator('ul.list > li');
    await expect(devices).toHaveCount(2);
    const current = devices.filter({ hasText: 'this device' });
    await expect(current.getByRole('button', { name: 'Revoke' })).toBeDisabled();
    optionsA.once('dialog', (dialog) => void dialog.accept());
    await devices
      .filter({ hasNotText: 'this device' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expect(devices).toHaveCount(1);

    // Live sync tells B at once (its stream closed with 4403): no click needed.
    await popupB.bringToFront();
    const revoked = popupB.locator('[role="alert"][data-code="device_revoked"]');
    await expect(revoked).toContainText('disconnected from your account from another device');
    await expect(revoked).toContainText('Your data is still here');
    await expect(popupB.getByTestId('count-profiles')).toHaveText('1');
    await screenshot(popupB, 'popup-device-revoked');
    const workerB = await second.serviceWorker();
    await expect.poll(() => badgeText(workerB)).toBe('!');
    const optionsB = await second.openOptions('records');
    await expect(
      optionsB.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: 'Kept' }),
    ).toBeVisible();
  } finally {
    await second.close();
  }
});

test('an invalid form value is explained at its field and nothing typed is lost', async ({
  profile,
}) => {
  const options = await profile.openOptions('records');
  await options.getByRole('tab', { name: /Profiles/ }).click();
  await options.getByRole('button', { name: 'New', exact: true }).click();
  await fillProfile(options, { name: 'Broken', provider: 'openai', model: 'm', apiKey: 'sk-x' });
  const form = options.locator('form[aria-labelledby="record-form-title"]');
  await form.getByLabel('Base URL').fill('not a url');
  await form.getByLabel('Parameters').fill('{temperature: 1');
  await form.getByRole('button', { name: 'Save' }).click();
  // JSON is checked in the form before anything is sent.
  await expect(form.locator('#field-parameters-error')).toHaveText(
    'This must be JSON, such as {"temperature": 0.2}.',
  );
  await form.getByLabel('Parameters').fill('{"temperature": 1}');
  await form.getByRole('button', { name: 'Save' }).click();
  // The engine's validation names the field and what it must be.
  await expect(form.locator('#field-baseUrl-error')).toContainText('must be a URL');
  await expect(form.locator('[role="alert"][data-code="validation_failed"]')).toBeVisible();
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('Broken');
  await expect(form.locator('#field-apiKey')).toHaveValue('sk-x');
  await expect(form.getByLabel('Base URL')).toHaveValue('not a url');
  await screenshot(options, 'options-invalid-field');

  await form.getByLabel('Base URL').fill('https://api.example.com/v1');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(options.getByRole('heading', { name: 'Edit profile' })).toBeVisible();
  await expect(
    options.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: 'Broken' }),
  ).toBeVisible();
});
