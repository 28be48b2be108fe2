/**
 * The device lock in the real extension: setting the account passphrase locks the device with
 * it by default; "Lock now" (or the idle time) locks it, the popup and options show Locked with
 * an unlock form, the worker's database holds no key, token or record in the clear, a stopped worker
 * comes back locked, and the passphrase unlocks it with the data there.
 */
import type { Worker } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { connectNewAccount, expectInSync } from './connect';
import { expect, screenshot, stopServiceWorker, test } from './fixtures';
import { createProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

/**
 * The worker's database as the browser stores it, as text (byte strings as their characters):
 * what someone who copied the profile folder would read.
 */
function storedText(worker: Worker): Promise<string> {
  return worker.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('satchel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = Array.from(db.objectStoreNames);
          const tx = db.transaction(names);
          const parts: unknown[] = [];
          for (const name of names) {
            const request = tx.objectStore(name).getAll();
            request.onsuccess = () => parts.push(request.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(
              JSON.stringify(parts, (_key, value) =>
                value instanceof Uint8Array ? new TextDecoder().decode(value) : value,
              ),
            );
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** Which secret meta keys the worker's database holds as they are (none while the lock is on). */
function plainSecrets(worker: Worker): Promise<string[]> {
  return worker.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('satchel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('meta').objectStore('meta').getAllKeys();
          request.onsuccess = () => {
            open.result.close();
            const keys = request.result.map(String);
            resolve(
              keys.filter((key) => ['keys', 'session', 'deviceKey', 'keyPins'].includes(key)),
            );
          };
        };
      }),
  );
}

test('a passphrase locks the device; popup and options show Locked; the passphrase unlocks it', async ({
  profile,
}) => {
  test.setTimeout(120_000);
  const person = newPerson();
  const { popup } = await connectNewAccount(profile, server.url, person);
  const options = await profile.openOptions('records');
  await createProfile(options, {
    name: 'Locked away',
    provider: 'openai',
    model: 'gpt-4o',
    apiKey: 'sk-at-rest',
  });

  await options.getByRole('link', { name: 'Security' }).click();
  const passphrase = 'violet lantern across the harbour';
  await options.getByLabel('New passphrase').fill(passphrase);
  await options.getByLabel('Repeat it').fill(passphrase);
  await expect(options.getByTestId('passphrase-lock')).toBeChecked();
  await options.getByRole('button', { name: 'Set passphrase' }).click();
  await expect(options.getByRole('status').filter({ hasText: 'Passphrase set.' })).toBeVisible({
    timeout: 30_000,
  });
  const card = options.getByTestId('device-lock');
  await expect(card).toContainText('On, with a passphrase');
  await card.getByLabel('Lock after').selectOption('5');
  await expect(card.getByLabel('Lock after')).toHaveValue('5');
  await screenshot(options, 'lock-options-on');
  expect(await plainSecrets(await profile.serviceWorker())).toEqual([]);
  // The profile itself (its API key, even its name) is sealed at rest too.
  const stored = await storedText(await profile.serviceWorker());
  expect(stored).toContain('"collection":"profiles"');
  expect(stored).not.toContain('sk-at-rest');
  expect(stored).not.toContain('Locked away');

  await popup.reload();
  await expectInSync(popup);
  await popup.getByTestId('popup-lock-now').click();
  await expect(popup.getByRole('heading', { name: 'Locked' })).toBeVisible();
  await screenshot(popup, 'lock-popup-locked');
  await options.reload();
  await expect(options.getByRole('heading', { name: 'Locked' })).toBeVisible();
  await expect(options.getByTestId('status')).toHaveText('Locked');
  await screenshot(options, 'lock-options-locked');

  // The worker stopped by the browser comes back locked: the keys were in memory only.
  await stopServiceWorker(profile, popup);
  await popup.reload();
  await expect(popup.getByRole('heading', { name: 'Locked' })).toBeVisible({ timeout: 15_000 });
  expect(await plainSecrets(await profile.serviceWorker())).toEqual([]);

  await popup.getByLabel('Passphrase').fill('not the passphrase at all');
  await popup.getByTestId('unlock-device').click();
  await expect(popup.locator('[data-code="wrong_unlock_secret"]')).toContainText(
    'does not unlock this device',
    { timeout: 30_000 },
  );
  await screenshot(popup, 'lock-popup-wrong-passphrase');
  await popup.getByLabel('Passphrase').fill(passphrase);
  await popup.getByTestId('unlock-device').click();
  await expectInSync(popup);
  await screenshot(popup, 'lock-popup-unlocked');
  await options.reload();
  await options.getByRole('link', { name: 'Settings data' }).click();
  await expect(options.getByRole('list', { name: 'Profiles' })).toContainText('Locked away');
});

test('left alone for the idle time it chose, the device locks by itself; the passphrase unlocks it', async ({
  profile,
}) => {
  test.setTimeout(180_000);
  const person = newPerson();
  const { popup } = await connectNewAccount(profile, server.url, person);
  const options = await profile.openOptions('records');
  await createProfile(options, {
    name: 'Idle away',
    provider: 'openai',
    model: 'gpt-4o',
    apiKey: 'sk-idle',
  });
  await options.getByRole('link', { name: 'Security' }).click();
  const passphrase = 'copper heron over the morning tide';
  await options.getByLabel('New passphrase').fill(passphrase);
  await options.getByLabel('Repeat it').fill(passphrase);
  await options.getByRole('button', { name: 'Set passphrase' }).click();
  await expect(options.getByRole('status').filter({ hasText: 'Passphrase set.' })).toBeVisible({
    timeout: 30_000,
  });
  const card = options.getByTestId('device-lock');
  await card.getByLabel('Lock after').selectOption('1');
  await expect(card.getByLabel('Lock after')).toHaveValue('1');
  await popup.reload();
  await expectInSync(popup);

  // Nobody touches anything: a minute later the open popup shows Locked on its own.
  const idleFrom = Date.now();
  await expect(popup.getByRole('heading', { name: 'Locked' })).toBeVisible({ timeout: 120_000 });
  expect(Date.now() - idleFrom).toBeGreaterThan(50_000);
  await screenshot(popup, 'lock-popup-idle-locked');
  expect(await plainSecrets(await profile.serviceWorker())).toEqual([]);

  await popup.getByLabel('Passphrase').fill(passphrase);
  await popup.getByTestId('unlock-device').click();
  await expectInSync(popup);
  await options.reload();
  await options.getByRole('link', { name: 'Settings data' }).click();
  await expect(options.getByRole('list', { name: 'Profiles' })).toContainText('Idle away');
});
