/**
 * Unlocking the app with a passkey (WebAuthn PRF) instead of typing: a virtual platform
 * authenticator (the Chrome DevTools Protocol's WebAuthn domain) stands in for the phone's
 * fingerprint or face. The app runs at `localhost`: WebAuthn refuses an IP address as its
 * relying party.
 */
import type { TestServer } from '../../src/server/testing';
import { createKey, expectInSync } from '../extension/connect';
import { createProfile } from '../extension/records';
import { newPerson } from '../extension/sync-server';
import { approveInTab, startAppConnect } from './connect-app';
import { expect, PHONE, screenshot, startAppServer, test } from './fixtures';

let server: TestServer;
test.beforeAll(async () => {
  server = await startAppServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('a passkey added to the lock unlocks the app without typing; the PIN still works', async ({
  app,
}) => {
  test.setTimeout(120_000);
  const origin = server.url.replace('127.0.0.1', 'localhost');
  const page = await app.open(origin, '/', PHONE);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      hasPrf: true,
    },
  });

  const { tab, userCode } = await startAppConnect(app, page, origin);
  await approveInTab(tab, userCode, newPerson(), 'new');
  await tab.close();
  await expect(page.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  await createKey(page);
  await expectInSync(page);
  await page.goto(`${origin}/#records`);
  await createProfile(page, { name: 'Passkey secret', provider: 'openai', model: 'gpt-4o' });
  await page.goto(`${origin}/#security`);
  const card = page.getByTestId('device-lock');
  const pin = '86420135';
  await card.getByLabel('PIN for the lock').fill(pin);
  await card.getByLabel('Type it again').fill(pin);
  await card.getByTestId('lock-set').click();
  await expect(card).toContainText('On, with a PIN', { timeout: 30_000 });

  const passkey = card.getByTestId('passkey-unlock');
  await passkey.getByLabel('Current PIN of the lock').fill('11111111');
  await passkey.getByTestId('passkey-add').click();
  await expect(passkey.locator('[data-code="wrong_unlock_secret"]')).toBeVisible({
    timeout: 30_000,
  });
  await passkey.getByLabel('Current PIN of the lock').fill(pin);
  await passkey.getByTestId('passkey-add').click();
  await expect(passkey).toContainText('A passkey unlocks it too', { timeout: 30_000 });
  await screenshot(page, 'pwa-passkey-added');

  await card.getByTestId('lock-now').click();
  await expect(page.getByRole('heading', { name: 'Locked' })).toBeVisible();
  await screenshot(page, 'pwa-locked-passkey');
  await page.getByTestId('unlock-passkey').click();
  await expect(page.getByRole('heading', { name: 'Locked' })).toBeHidden({ timeout: 30_000 });
  await page.goto(`${origin}/#records`);
  await expect(page.getByRole('list', { name: 'Profiles' })).toContainText('Passkey secret');

  // The PIN stays a way in.
  await page.goto(`${origin}/#security`);
  await page.getByTestId('device-lock').getByTestId('lock-now').click();
  await expect(page.getByRole('heading', { name: 'Locked' })).toBeVisible();
  await page.getByLabel('PIN').fill(pin);
  await page.getByTestId('unlock-device').click();
  await expect(page.getByRole('heading', { name: 'Locked' })).toBeHidden({ timeout: 30_000 });
});
