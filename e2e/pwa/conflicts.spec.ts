/**
 * The app and the extension change the same record while the phone is offline; under the manual
 * strategy the app shows the conflict with the shared diff view (secrets masked), the person
 * merges field by field in the app, and both devices end with the merged record.
 */
import type { TestServer } from '../../src/server/testing';
import { expectInSync } from '../extension/connect';
import { editProfile, revealedApiKey } from '../extension/records';
import { extensionAndApp } from './connect-app';
import { expect, PHONE, screenshot, startAppServer, test } from './fixtures';

let server: TestServer;
test.beforeAll(async () => {
  server = await startAppServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('a conflict with the extension is resolved in the app with the diff view', async ({ app }) => {
  test.setTimeout(150_000);
  const { extension, popup, options, page } = await extensionAndApp(app, server.url);
  try {
    await page.goto(`${server.url}/#sync`);
    const strategy = page.getByLabel('When the same field changed on two devices');
    await strategy.selectOption('manual');
    await expect(strategy).toHaveValue('manual');

    // The phone loses its signal and edits; meanwhile the extension edits the same fields.
    await app.context.setOffline(true);
    await page.goto(`${server.url}/#records`);
    await editProfile(page, 'Shared', { name: 'Shared (phone)', apiKey: 'sk-phone' });
    await options.bringToFront();
    await editProfile(options, 'Shared', { name: 'Shared (desktop)', apiKey: 'sk-desktop' });
    await popup.bringToFront();
    await expectInSync(popup);

    await app.context.setOffline(false);
    const conflictsLink = page.getByRole('link', { name: /Conflicts/ });
    await expect(conflictsLink).toContainText('1', { timeout: 20_000 });
    await conflictsLink.click();
    const list = page.getByRole('list', { name: 'Conflicts' });
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await list.getByRole('button', { name: 'Resolve' }).click();
    await expect(page).toHaveURL(/#conflicts\/profiles%3A/);

    const diff = page.getByRole('table', { name: /Differences for Shared \(phone\)/ });
    const nameRow = diff.locator('tr[data-field="name"]');
    await expect(nameRow.locator('td .value')).toHaveText([
      'Shared',
      'Shared (phone)',
      'Shared (desktop)',
    ]);
    await expect(nameRow.locator('td[data-changed="true"]')).toHaveCount(2);
    const keyRow = diff.locator('tr[data-field="apiKey"]');
    await expect(keyRow.locator('[data-masked="true"]')).toHaveCount(3);
    await expect(diff).not.toContainText('sk-');
    await screenshot(page, 'pwa-conflict-diff');
    // The whole diff fits a 320 px screen: nothing to scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );

    await page.getByText('Merge field by field').click();
    await page.getByRole('radiogroup', { name: 'Name' }).getByLabel('this device').check();
    await page.getByRole('radiogroup', { name: 'API key' }).getByLabel('other device').check();
    await page.getByRole('button', { name: 'Save merged version' }).click();

    await expect(page).toHaveURL(/#status$/);
    await expect(page.getByTestId('conflict-count')).toHaveCount(0);
    await expectInSync(page);

    await popup.bringToFront();
    await popup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popup);
    await options.bringToFront();
    await options.reload();
    expect(await revealedApiKey(options, 'Shared (phone)')).toBe('sk-desktop');
    await page.goto(`${server.url}/#records`);
    expect(await revealedApiKey(page, 'Shared (phone)')).toBe('sk-desktop');
  } finally {
    await extension.close();
  }
});
