/**
 * Playwright fixtures for the extension: a persistent Chromium profile with the built extension
 * loaded (dist/extension, built by `npm run build` before Playwright runs), its id, and helpers to
 * open the popup and options pages and to save screenshots as artifacts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type BrowserContext,
  test as base,
  chromium,
  type Page,
  type Worker,
} from '@playwright/test';
import { chromiumPath } from '../../playwright.config';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../../dist/extension');
export const POPUP_PATH = 'src/extension/popup/index.html';
export const OPTIONS_PATH = 'src/extension/options/index.html';

export interface Profile {
  context: BrowserContext;
  extensionId: string;
  serviceWorker(): Promise<Worker>;
  /** The popup as the toolbar shows it: its own page at the popup's size. */
  openPopup(): Promise<Page>;
  openOptions(section?: string): Promise<Page>;
  /** The first-run guide the extension opened when it was installed. */
  welcome: Page;
  close(): Promise<void>;
}

async function firstRunTab(context: BrowserContext): Promise<Page> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = context.pages().find((page) => page.url().endsWith('#welcome'));
    if (found) return found;
    if (Date.now() > deadline) throw new Error('Installing the extension opened no welcome page');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts a fresh browser profile (its own user data dir) with the extension installed. */
export async function launchProfile(): Promise<Profile> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'satchel-e2e-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
    ],
  });
  const serviceWorker = async () =>
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL((await serviceWorker()).url()).host;
  // Installing opens the first-run guide; waited for here, so it never races a test's own tabs.
  const welcome = await firstRunTab(context);
  return {
    context,
    extensionId,
    welcome,
    serviceWorker,
    async openPopup() {
      const page = await context.newPage();
      await page.setViewportSize({ width: 380, height: 600 });
      await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}`);
      return page;
    },
    async openOptions(section) {
      const page = await context.newPage();
      await page.goto(
        `chrome-extension://${extensionId}/${OPTIONS_PATH}${section ? `#${section}` : ''}`,
      );
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page as a test artifact under test-results/screenshots. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: join('test-results', 'screenshots', `${name}.png`),
    fullPage: true,
  });
}

export const test = base.extend<{ profile: Profile }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  profile: async ({}, use) => {
    const profile = await launchProfile();
    await use(profile);
    await profile.close();
  },
});

export { expect } from '@playwright/test';

/**
 * Stops the extension's service worker as the browser does when it is idle: its globals are
 * lost, and the next event (a port, an alarm) starts a fresh one from IndexedDB.
 */
export async function stopServiceWorker(profile: Profile, page: Page): Promise<void> {
  const cdp = await profile.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

type ChromeAction = { action: { getBadgeText(details: object): Promise<string> } };

/** The toolbar badge's text, read inside the service worker (what the toolbar shows). */
export function badgeText(worker: Worker): Promise<string> {
  return worker.evaluate(() =>
    (globalThis as unknown as { chrome: ChromeAction }).chrome.action.getBadgeText({}),
  );
}
