/**
 * Playwright fixtures for the app (dist/pwa, built by `npm run build` before Playwright runs):
 * the real sync server serving it, started in the test process, and browser profiles with their
 * own user data dir (a persistent context: Chromium reports installability only for those).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type BrowserContext,
  test as base,
  chromium,
  expect,
  type Page,
  type ViewportSize,
} from '@playwright/test';
import { chromiumPath } from '../../playwright.config';
import { startServer, type TestServer } from '../../src/server/testing';

export const APP_DIR = resolve(import.meta.dirname, '../../dist/pwa');

/** A phone in portrait (iPhone SE size: the narrowest common one). */
export const PHONE: ViewportSize = { width: 320, height: 640 };

/** The sync server with the app at its root; `webDir` defaults to the build in dist/pwa. */
export async function startAppServer(webDir = APP_DIR): Promise<TestServer> {
  if (!existsSync(join(webDir, 'index.html'))) {
    throw new Error(`No app build in ${webDir}: run \`npm run build\` before the PWA tests`);
  }
  return startServer({ config: { registration: 'open', pollIntervalS: 1, webDir } });
}

export interface AppProfile {
  context: BrowserContext;
  /** Opens the app at `path` (e.g. "/#records") and waits until its service worker controls it. */
  open(serverUrl: string, path?: string, viewport?: ViewportSize): Promise<Page>;
  close(): Promise<void>;
}

export async function launchAppProfile(): Promise<AppProfile> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'satchel-pwa-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async open(serverUrl, path = '/', viewport) {
      const page =
        context.pages().find((p) => p.url() === 'about:blank') ?? (await context.newPage());
      if (viewport) await page.setViewportSize(viewport);
      await page.goto(`${serverUrl}${path}`);
      await waitForWorker(page);
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The page is controlled by the app's service worker, which has its app shell precached. */
export async function waitForWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
    timeout: 15_000,
  });
}

/** Saves a screenshot of the page as a test artifact under test-results/screenshots. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: join('test-results', 'screenshots', `${name}.png`),
    fullPage: true,
  });
}

export const test = base.extend<{ app: AppProfile }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  app: async ({}, use) => {
    const profile = await launchAppProfile();
    await use(profile);
    await profile.close();
  },
});

export { expect };
