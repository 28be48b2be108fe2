/** The popup works from the keyboard alone, and its controls are labelled for screen readers. */
import type { Page } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { expect, test } from './fixtures';
import { startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

/** Presses Tab until a control whose label matches `name` has focus (at most `limit` presses). */
async function tabTo(page: Page, name: RegExp, limit = 12): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return label ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
    });
    if (name.test(focused.trim())) return;
  }
  throw new Error(`no control named ${name} reached with Tab`);
}

test('connecting and cancelling work with the keyboard alone', async ({ profile }) => {
  const popup = await profile.openPopup();
  await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible();
  await tabTo(popup, /^Sync server$/);
  await popup.keyboard.press('ControlOrMeta+A');
  await popup.keyboard.type(server.url);
  // Enter checks the server first; then the device name's form connects.
  await popup.keyboard.press('Enter');
  await expect(popup.getByTestId('server-checked')).toBeVisible();
  await tabTo(popup, /^Device name$/, 20);
  const tab = profile.context.waitForEvent('page');
  await popup.keyboard.press('Enter');
  await (await tab).close();
  await expect(popup.getByRole('heading', { name: 'Connecting…' })).toBeVisible();
  await expect(popup.getByRole('status', { name: 'Your sign-in code' })).toHaveText(
    /^[A-Z]{4}-[A-Z]{4}$/,
  );
  await tabTo(popup, /^Cancel$/);
  await popup.keyboard.press('Enter');
  await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible();
});

test('every control in the popup and options page has an accessible name', async ({ profile }) => {
  for (const page of [await profile.openPopup(), await profile.openOptions('sync')]) {
    await expect(page.locator('main')).toBeVisible();
    await expect(page.getByText('Loading…')).toHaveCount(0);
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, textarea, a[href]')]
        .filter((el) => {
          const e = el as HTMLElement;
          const labelled =
            e.getAttribute('aria-label') ||
            e.getAttribute('aria-labelledby') ||
            (e.id && document.querySelector(`label[for="${e.id}"]`)) ||
            e.closest('label') ||
            (e.tagName !== 'INPUT' && e.textContent?.trim());
          return !labelled;
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
  }
});
