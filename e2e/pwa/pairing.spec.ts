/**
 * The installed app is the new device: it signs in to an account an extension profile already
 * uses and asks to be approved instead of typing the recovery key. The extension shows the
 * request, the person types the app's code in the extension and confirms in the app, the key is
 * handed over, and the app shows the records.
 * A request the app cancels disappears from the extension on its next sync.
 */
import type { Page } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { connectNewAccount, expectInSync } from '../extension/connect';
import {
  screenshot as extensionScreenshot,
  launchProfile,
  type Profile,
} from '../extension/fixtures';
import { createProfile } from '../extension/records';
import { newPerson, type Person } from '../extension/sync-server';
import { approveInTab, startAppConnect } from './connect-app';
import { type AppProfile, expect, PHONE, screenshot, startAppServer, test } from './fixtures';

/** How the app introduces itself (src/host/device-name.ts) in headless Chromium. */
const APP_DEVICE = 'Satchel app (Chrome on Linux)';

let server: TestServer;
test.beforeAll(async () => {
  server = await startAppServer();
});
test.afterAll(async () => {
  await server?.close();
});

/** Opens the app, signs it in to the person's account and asks the extension for the key. */
async function appAsks(app: AppProfile, person: Person): Promise<Page> {
  const page = await app.open(server.url, '/', PHONE);
  const { tab, userCode } = await startAppConnect(app, page, server.url);
  await approveInTab(tab, userCode, person, 'existing');
  await tab.close();
  await page.bringToFront();
  await expect(page.getByRole('heading', { name: 'Unlock your settings' })).toBeVisible({
    timeout: 20_000,
  });
  await page.getByTestId('pairing-start').click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Approve from another device' }),
  ).toBeVisible({ timeout: 20_000 });
  // The heading also shows a failed request; this line shows only while the request is open.
  await expect(page.getByText('Open Satchel on your other device')).toBeVisible();
  return page;
}

/** What a page shows, for a failure message: its screen and its text. */
async function describePage(page: Page): Promise<string> {
  const screen = await page
    .locator('[data-screen]')
    .first()
    .getAttribute('data-screen', { timeout: 1_000 })
    .catch(() => 'none');
  const text = await page
    .locator('main')
    .first()
    .innerText({ timeout: 1_000 })
    .catch(() => '(no text)');
  return `screen ${screen}: ${text.replace(/\s+/g, ' ').slice(0, 600)}`;
}

/** Reloads the popup and syncs until it shows (or no longer shows) the join request screen. */
async function syncUntilRequest(popup: Page, app: Page, shown: boolean): Promise<void> {
  await popup.bringToFront();
  const heading = popup.getByRole('heading', { name: 'A device wants to join' });
  const waited = expect(async () => {
    await popup.reload();
    const sync = popup.getByRole('button', { name: 'Sync now' });
    // The request may replace the overview between these two lines: a click left waiting for a
    // button that is gone would hold this attempt (and every retry) until the timeout.
    if (await sync.isVisible()) await sync.click({ timeout: 2_000 });
    if (shown) {
      await expect(heading).toBeVisible({ timeout: 3_000 });
    } else {
      // The overview is back, not merely a popup that has not rendered yet.
      await expect(popup.getByTestId('status')).toHaveText('In sync', { timeout: 5_000 });
      await expect(heading).toHaveCount(0);
    }
  }).toPass({ timeout: 45_000 });
  await waited.catch(async (error: unknown) => {
    throw new Error(
      `The extension ${shown ? 'never showed' : 'kept showing'} the join request.\n` +
        `Extension ${await describePage(popup)}\nApp ${await describePage(app)}`,
      { cause: error },
    );
  });
}

test('the app joins by approval from an extension profile: code typed in the extension, confirmed in the app, no recovery key', async ({
  app,
}) => {
  test.setTimeout(180_000);
  const person = newPerson();
  const extension = await launchProfile();
  try {
    const { popup } = await connectNewAccount(extension, server.url, person);
    const options = await extension.openOptions('records');
    await createProfile(options, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
    await popup.bringToFront();
    await expectInSync(popup);

    const page = await appAsks(app, person);
    await screenshot(page, 'pwa-pairing-waiting');

    await syncUntilRequest(popup, page, true);
    const request = popup.getByTestId('pairing-request');
    await expect(request).toHaveCount(1);
    await expect(request.locator('strong')).toHaveText(APP_DEVICE);
    await extensionScreenshot(popup, 'pwa-pairing-request-in-extension');
    await request.getByRole('button', { name: `Review ${APP_DEVICE}` }).click();

    // The person reads the code in the app...
    await page.bringToFront();
    const appCode = page.getByTestId('pairing-code');
    await expect(appCode).toHaveText(/^\d{3} \d{3}$/, { timeout: 30_000 });
    const code = (await appCode.textContent())?.trim() as string;
    await screenshot(page, 'pwa-pairing-code');
    // ...types it in the extension, which never shows its own...
    await popup.bringToFront();
    const typed = popup.getByRole('textbox', { name: `Code shown on ${APP_DEVICE}` });
    await expect(typed).toBeVisible({ timeout: 30_000 });
    await expect(typed).toHaveAttribute('inputmode', 'numeric');
    await expect(popup.getByTestId('pairing-code')).toHaveCount(0);
    await typed.fill(code);
    await extensionScreenshot(popup, 'pwa-pairing-type-code-in-extension');
    await popup.getByTestId('pairing-approve').click();
    await expect(popup.getByText(/Code correct\. Now confirm on/)).toBeVisible({
      timeout: 30_000,
    });
    // ...and confirms in the app, which proves it to the extension before the key is sent.
    await page.bringToFront();
    await screenshot(page, 'pwa-pairing-confirm');
    await page.getByTestId('pairing-confirm').click();
    await page.bringToFront();
    await expect(page.getByTestId('count-profiles')).toHaveText('1', { timeout: 40_000 });
    await expectInSync(page);
    // Nothing was typed or shown: no recovery key field, no recovery key to save.
    await expect(page.getByRole('textbox', { name: 'Recovery key' })).toHaveCount(0);
    await expect(page.getByTestId('recovery-key')).toHaveCount(0);
    await screenshot(page, 'pwa-pairing-joined');

    await page.goto(`${server.url}/#records`);
    await expect(
      page.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: 'Work' }),
    ).toBeVisible({ timeout: 20_000 });

    // Both hold the same account key.
    await page.goto(`${server.url}/#security`);
    const appFingerprint = page.getByTestId('fingerprint');
    await expect(appFingerprint).toHaveText(/\S/, { timeout: 20_000 });
    const extensionSecurity = await extension.openOptions('security');
    const extensionFingerprint = extensionSecurity.getByTestId('fingerprint');
    await expect(extensionFingerprint).toHaveText(/\S/, { timeout: 20_000 });
    expect((await appFingerprint.textContent())?.trim()).toBe(
      (await extensionFingerprint.textContent())?.trim(),
    );

    await popup.bringToFront();
    await expect(popup.getByRole('heading', { name: 'A device wants to join' })).toHaveCount(0, {
      timeout: 20_000,
    });
  } finally {
    await extension.close();
  }
});

test('a request the app cancels disappears from the extension on its next sync', async ({
  app,
}) => {
  test.setTimeout(150_000);
  const person = newPerson();
  const extension: Profile = await launchProfile();
  try {
    const { popup } = await connectNewAccount(extension, server.url, person);
    const page = await appAsks(app, person);
    await syncUntilRequest(popup, page, true);
    await expect(popup.getByTestId('pairing-request')).toHaveCount(1);

    await page.bringToFront();
    await page.getByTestId('pairing-cancel').click();
    await expect(page.getByRole('heading', { name: 'Unlock your settings' })).toBeVisible({
      timeout: 20_000,
    });

    await syncUntilRequest(popup, page, false);
  } finally {
    await extension.close();
  }
});
