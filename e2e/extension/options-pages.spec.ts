/**
 * The options page beyond editing: history restore and backup (offline, no account), device
 * rename, the key fingerprint and a passphrase that unlocks a second device.
 */
import { readFileSync } from 'node:fs';
import type { TestServer } from '../../src/server/testing';
import { connectNewAccount, decideInTab, expectInSync, startConnect, userCodeIn } from './connect';
import { expect, launchProfile, screenshot, test } from './fixtures';
import { createProfile, editProfile, openProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('history restores an earlier version; a backup exports and imports back', async ({
  profile,
}, testInfo) => {
  const options = await profile.openOptions('records');
  await createProfile(options, {
    name: 'Alpha',
    provider: 'openai',
    model: 'gpt-4o',
    apiKey: 'sk-a',
  });
  await editProfile(options, 'Alpha', { name: 'Alpha 2' });
  const list = options.getByRole('list', { name: 'Profiles' });
  await expect(list.getByRole('button', { name: 'Alpha 2' })).toBeVisible();

  await openProfile(options, 'Alpha 2');
  await options.getByRole('button', { name: 'History' }).click();
  const history = options.getByRole('region', { name: 'History' });
  // Fields by the names the form uses, secrets masked, and who wrote the version.
  const earlier = history.getByRole('listitem').filter({ hasText: 'Name: Alpha ·' });
  await expect(earlier).toContainText('API key: ••••••••');
  await expect(earlier).toContainText('written on this device');
  await expect(history).not.toContainText('sk-a');
  await earlier.getByRole('button', { name: 'Restore' }).click();
  await expect(history.getByRole('status')).toHaveText('Restored the version from just now.');
  await expect(list.getByRole('button', { name: /^Alpha( pending sync)?$/ })).toBeVisible();
  // The open form shows the restored value, so saving it cannot undo the restore.
  await expect(options.getByLabel('Name', { exact: true })).toHaveValue('Alpha');

  await options.getByRole('link', { name: 'Backup' }).click();
  const download = options.waitForEvent('download');
  await options.getByRole('button', { name: 'Export to a file' }).click();
  const file = testInfo.outputPath('backup.json');
  await (await download).saveAs(file);
  const backup = JSON.parse(readFileSync(file, 'utf8'));
  expect(backup.format).toBe('satchel-backup');
  expect(backup.records.profiles).toEqual([
    expect.objectContaining({ data: expect.objectContaining({ name: 'Alpha', apiKey: 'sk-a' }) }),
  ]);

  await options.getByRole('link', { name: 'Settings data' }).click();
  await openProfile(options, 'Alpha');
  options.once('dialog', (dialog) => void dialog.accept());
  await options.getByRole('button', { name: 'Delete' }).click();
  await expect(options.getByText('No profiles yet.')).toBeVisible();

  await options.getByRole('link', { name: 'Backup' }).click();
  await options.getByLabel('Backup file').setInputFiles(file);
  await expect(options.getByRole('status').filter({ hasText: 'backup.json' })).toContainText(
    '1 new, 0 changed, 0 already the same',
  );
  await options.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(options.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    'Imported: 1 new, 0 changed.',
  );
  await options.getByRole('link', { name: 'Settings data' }).click();
  await openProfile(options, 'Alpha');
  await options.getByRole('button', { name: 'Reveal API key' }).click();
  await expect(options.locator('#field-apiKey')).toHaveValue('sk-a');
});

test('devices can be renamed; a passphrase set on one device unlocks another', async ({
  profile: first,
}) => {
  test.setTimeout(120_000);
  const person = newPerson();
  const { popup: popupA } = await connectNewAccount(first, server.url, person);
  const optionsA = await first.openOptions('devices');
  const device = optionsA.locator('ul.list > li').filter({ hasText: 'this device' });
  await device.getByRole('button', { name: 'Rename' }).click();
  await device.getByLabel('New name').fill('Work laptop');
  await device.getByRole('button', { name: 'Save' }).click();
  await expect(device.locator('strong')).toHaveText('Work laptop');

  await optionsA.getByRole('link', { name: 'Security' }).click();
  const fingerprint = optionsA.getByTestId('fingerprint');
  await expect(fingerprint).not.toHaveText('…');
  const printA = await fingerprint.textContent();
  await optionsA.getByLabel('New passphrase').fill('too short');
  await optionsA.getByLabel('Repeat it').fill('too short');
  await optionsA.getByRole('button', { name: 'Set passphrase' }).click();
  await expect(optionsA.locator('#passphrase-error')).toHaveText('Use at least 12 characters.');
  // Long enough but guessable: the form shows the estimate, and the worker refuses it, saying why.
  await optionsA.getByLabel('New passphrase').fill('password1234');
  await optionsA.getByLabel('Repeat it').fill('password1234');
  await expect(optionsA.getByTestId('passphrase-strength')).toContainText('Weak');
  await optionsA.getByRole('button', { name: 'Set passphrase' }).click();
  const refused = optionsA.locator('[data-code="guessable_passphrase"]');
  await expect(refused).toContainText('That passphrase is easy to guess');
  await expect(refused).toContainText('commonly used password');
  const passphrase = 'a long enough passphrase';
  await optionsA.getByLabel('New passphrase').fill(passphrase);
  await optionsA.getByLabel('Repeat it').fill(passphrase);
  await optionsA.getByRole('button', { name: 'Set passphrase' }).click();
  await expect(optionsA.getByRole('status').filter({ hasText: 'Passphrase set.' })).toBeVisible({
    timeout: 20_000,
  });
  await popupA.bringToFront();
  await expectInSync(popupA);

  const second = await launchProfile();
  try {
    const popupB = await second.openPopup();
    const tab = await startConnect(second, popupB, server.url);
    await decideInTab(tab, await userCodeIn(popupB), person);
    await tab.close();
    await expect(popupB.getByRole('heading', { name: 'Unlock your settings' })).toBeVisible();
    await popupB.getByRole('radio', { name: 'Passphrase' }).check();
    await popupB.getByRole('textbox', { name: 'Passphrase' }).fill(passphrase);
    await screenshot(popupB, 'popup-unlock-passphrase');
    await popupB.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expectInSync(popupB);
    const optionsB = await second.openOptions('security');
    await expect(optionsB.getByTestId('fingerprint')).toHaveText(printA ?? '');
    await optionsB.getByRole('link', { name: 'Devices' }).click();
    await expect(optionsB.locator('ul.list > li')).toHaveCount(2);
    await expect(optionsB.locator('ul.list > li').filter({ hasText: 'Work laptop' })).toBeVisible();
  } finally {
    await second.close();
  }
});
