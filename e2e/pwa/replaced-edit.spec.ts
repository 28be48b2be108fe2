/**
 * What the person is told when another device's edit meets theirs (issue 15). "Keep the most
 * recent edit" (the default) settles a conflict without asking, but not without telling: the
 * phone's offline edit loses to a later one from the extension, the app says so with both values
 * masked, and "Restore mine" puts the phone's value back on both. And a form open while its
 * record changes underneath shows the new values and keeps what the person typed.
 */
import type { TestServer } from '../../src/server/testing';
import { expectInSync } from '../extension/connect';
import { editProfile, openProfile, revealedApiKey } from '../extension/records';
import { extensionAndApp } from './connect-app';
import { expect, PHONE, screenshot, startAppServer, test } from './fixtures';

let server: TestServer;
test.beforeAll(async () => {
  server = await startAppServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('an edit replaced by a newer one is told in the app, and "Restore mine" brings it back on both devices', async ({
  app,
}) => {
  test.setTimeout(150_000);
  const { extension, popup, options, page } = await extensionAndApp(app, server.url);
  try {
    // The phone edits offline first; the extension edits the same field later, so it wins.
    await app.context.setOffline(true);
    await page.goto(`${server.url}/#records`);
    await editProfile(page, 'Shared', { apiKey: 'sk-phone' });
    await options.bringToFront();
    await editProfile(options, 'Shared', { apiKey: 'sk-desktop' });
    await popup.bringToFront();
    await expectInSync(popup);

    await app.context.setOffline(false);
    await page.goto(`${server.url}/#status`);
    const notice = page.getByTestId('replaced-edit');
    await expect(notice).toHaveCount(1, { timeout: 20_000 });
    await expect(notice).toContainText(
      'A newer edit from another device replaced yours to “Shared”',
    );
    const keyRow = notice.getByRole('row', { name: /API key/ });
    await expect(keyRow.locator('[data-masked="true"]')).toHaveCount(2);
    await expect(notice).not.toContainText('sk-');
    await keyRow.getByRole('button', { name: 'Reveal your API key' }).click();
    await expect(keyRow.locator('td[data-side="mine"] .value')).toHaveText('sk-phone');
    await screenshot(page, 'pwa-replaced-edit');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.getByRole('link', { name: 'Activity' }).click();
    await expect(page.getByTestId('activity-replaced')).toContainText('an edit of yours replaced');
    await page.goto(`${server.url}/#status`);

    await page.getByRole('button', { name: 'Restore mine' }).click();
    await expect(page.getByTestId('replaced-edit')).toHaveCount(0);
    await expectInSync(page);
    await page.goto(`${server.url}/#records`);
    expect(await revealedApiKey(page, 'Shared')).toBe('sk-phone');

    await popup.bringToFront();
    await popup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popup);
    await expect(popup.getByTestId('replaced-edit')).toHaveCount(0);
    await options.bringToFront();
    await options.reload();
    expect(await revealedApiKey(options, 'Shared')).toBe('sk-phone');
  } finally {
    await extension.close();
  }
});

test('a form open while its record changes on another device shows the new values and keeps what the person typed', async ({
  app,
}) => {
  test.setTimeout(150_000);
  const { extension, popup, options, page } = await extensionAndApp(app, server.url);
  try {
    await page.goto(`${server.url}/#records`);
    await openProfile(page, 'Shared');
    await page.locator('#field-name').fill('Shared (phone)');

    // Meanwhile the extension changes the model and the name, and saves.
    await options.bringToFront();
    await editProfile(options, 'Shared', { model: 'gpt-4.1', name: 'Shared (desktop)' });
    await popup.bringToFront();
    await expectInSync(popup);

    const banner = page.getByTestId('changed-underneath');
    await expect(banner).toBeVisible({ timeout: 20_000 });
    await expect(banner).toContainText('This profile changed on another device');
    // The field the person did not touch shows the new value at once.
    await expect(page.locator('#field-model')).toHaveValue('gpt-4.1');
    await expect(banner).toContainText('Now showing the new Model');
    // The one they typed in keeps their text, with the other value offered beside it.
    await expect(page.locator('#field-name')).toHaveValue('Shared (phone)');
    const kept = banner.getByTestId('kept-field');
    await expect(kept).toHaveAttribute('data-field', 'name');
    await expect(kept).toContainText('Shared (desktop)');
    await screenshot(page, 'pwa-form-changed-underneath');

    await page.getByRole('button', { name: 'Keep mine' }).click();
    await expect(kept).toHaveCount(0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(
      page
        .getByRole('list', { name: 'Profiles' })
        .getByRole('button', { name: /Shared \(phone\)/ }),
    ).toBeVisible();
    await page.goto(`${server.url}/#status`);
    await expectInSync(page);

    await popup.bringToFront();
    await popup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popup);
    await options.bringToFront();
    await options.reload();
    await openProfile(options, 'Shared (phone)');
    // The model the extension set survived the phone's save: no stale field was written over it.
    await expect(options.locator('#field-model')).toHaveValue('gpt-4.1');
  } finally {
    await extension.close();
  }
});

test('a form stays open with what was typed when a sync renames its record out of the search, and then deletes it; Save brings it back', async ({
  app,
}) => {
  test.setTimeout(150_000);
  const { extension, popup, options, page } = await extensionAndApp(app, server.url);
  try {
    await page.goto(`${server.url}/#records`);
    await page.getByRole('tab', { name: /Profiles/ }).click();
    await page.getByRole('searchbox', { name: 'Search profiles' }).fill('Shared');
    await openProfile(page, 'Shared');
    await page.locator('#field-model').fill('typed-on-the-phone');

    // The extension renames it: the search no longer finds it, the form stays as it was typed.
    await options.bringToFront();
    await editProfile(options, 'Shared', { name: 'Elsewhere' });
    await popup.bringToFront();
    await expectInSync(popup);
    await expect(page.getByTestId('changed-underneath')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole('list', { name: 'Profiles' })).toHaveCount(0);
    await expect(page.locator('#field-name')).toHaveValue('Elsewhere');
    await expect(page.locator('#field-model')).toHaveValue('typed-on-the-phone');

    // Then deletes it: the form says so and keeps the typing.
    await options.bringToFront();
    await openProfile(options, 'Elsewhere');
    options.once('dialog', (dialog) => void dialog.accept());
    await options.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(options.getByRole('heading', { name: 'Edit profile' })).toHaveCount(0);
    await popup.bringToFront();
    await popup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popup);
    const gone = page.getByTestId('record-gone');
    await expect(gone).toBeVisible({ timeout: 20_000 });
    await expect(gone).toContainText('This profile was deleted on another device');
    await expect(page.locator('#field-model')).toHaveValue('typed-on-the-phone');
    await screenshot(page, 'pwa-form-record-gone');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(gone).toHaveCount(0);
    await page.getByRole('searchbox', { name: 'Search profiles' }).fill('');
    await expect(
      page.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: 'Elsewhere' }),
    ).toBeVisible();
    await page.goto(`${server.url}/#status`);
    await expectInSync(page);
    await popup.bringToFront();
    await popup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(popup);
    await options.bringToFront();
    await options.reload();
    await openProfile(options, 'Elsewhere');
    await expect(options.locator('#field-model')).toHaveValue('typed-on-the-phone');
  } finally {
    await extension.close();
  }
});
