/**
 * Phone-first layout: on a 320 px screen every view fits without sideways scrolling, and
 * everything a finger presses is at least 44 × 44 px.
 */
import type { Page } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { createKey, expectInSync } from '../extension/connect';
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

const VIEWS = [
  'status',
  'records',
  'conflicts',
  'sync',
  'devices',
  'security',
  'activity',
  'backup',
];

/** Visible controls smaller than 44 × 44 px, described for the failure message. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>(
        'button, a[href], input:not([type="hidden"]), select, textarea, summary, [role="tab"]',
      ),
    )
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => {
        // A checkbox or radio is pressed through its label, which is the target.
        const toggle = el instanceof HTMLInputElement && ['checkbox', 'radio'].includes(el.type);
        const target = (toggle && (el as HTMLInputElement).labels?.[0]) || el;
        const box = target.getBoundingClientRect();
        return { el, box };
      })
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(
        ({ el, box }) =>
          `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.id).trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
      ),
  );
}

/**
 * Rows of links or tabs whose entries do not all show: a strip that scrolls sideways inside
 * itself (the page's own width stays fine) hides "Backup" until someone thinks to swipe.
 */
function hiddenEntries(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll<HTMLElement>('nav a, .tabs [role="tab"]'))
      .filter((el) => el.getClientRects().length > 0)
      .filter((el) => {
        const box = el.getBoundingClientRect();
        const row = el.parentElement as HTMLElement;
        return box.left < 0 || box.right > width || row.scrollWidth > row.clientWidth + 1;
      })
      .map((el) => `"${(el.textContent ?? '').trim()}"`);
  });
}

async function checkViews(page: Page, state: string) {
  for (const view of VIEWS) {
    await page.goto(`${server.url}/#${view}`);
    await expect(page.locator('h1').first()).toBeVisible();
    const where = `${view} (${state})`;
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      where,
    ).toBeLessThanOrEqual(PHONE.width);
    expect(await smallTargets(page), where).toEqual([]);
  }
}

test('every view fits 320 px and has 44 px touch targets, signed out and signed in', async ({
  app,
}) => {
  test.setTimeout(90_000);
  const page = await app.open(server.url, '/', PHONE);
  await checkViews(page, 'signed out');
  // The record form: the largest set of controls.
  await page.goto(`${server.url}/#records`);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'New profile' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    PHONE.width,
  );
  expect(await smallTargets(page)).toEqual([]);

  // Signed in, the views fill up: devices, the activity log, the security actions.
  await page.goto(`${server.url}/#status`);
  const { tab, userCode } = await startAppConnect(app, page, server.url);
  expect(await smallTargets(page), 'signing in').toEqual([]);
  await approveInTab(tab, userCode, newPerson(), 'new');
  await tab.close();
  await expect(page.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  expect(await smallTargets(page), 'key setup').toEqual([]);
  await createKey(page);
  await expectInSync(page);
  await checkViews(page, 'signed in');
});

test('at 320, 375 and 412 px, light and dark, every navigation entry shows without a sideways swipe', async ({
  app,
}) => {
  test.setTimeout(120_000);
  const page = await app.open(server.url, '/', PHONE);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [320, 375, 412]) {
      await page.setViewportSize({ width, height: 800 });
      for (const view of VIEWS) {
        await page.goto(`${server.url}/#${view}`);
        await expect(page.locator('h1').first()).toBeVisible();
        const where = `${view} at ${width} px, ${colorScheme}`;
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth),
          where,
        ).toBeLessThanOrEqual(width);
        expect(await hiddenEntries(page), where).toEqual([]);
      }
      await screenshot(page, `pwa-layout-${width}-${colorScheme}`);
    }
  }
});
