/**
 * A new version of the app is deployed while a person is typing: the app offers it, waits until
 * the typing is saved, then reloads into it. The new version is a real second build, served from
 * the same folder the first one was.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestServer } from '../../src/server/testing';
import { APP_DIR, expect, PHONE, startAppServer, test } from './fixtures';

const NEXT_BUILD = 'update-test-next';
const root = resolve(import.meta.dirname, '../..');
let temp: string;
let webDir: string;
let nextBuild: string;
let server: TestServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  temp = mkdtempSync(join(tmpdir(), 'satchel-pwa-update-'));
  webDir = join(temp, 'web');
  nextBuild = join(temp, 'next');
  cpSync(APP_DIR, webDir, { recursive: true });
  execFileSync(
    'npx',
    [
      'vite',
      'build',
      '--config',
      'vite.pwa.config.ts',
      '--outDir',
      nextBuild,
      '--logLevel',
      'warn',
    ],
    { cwd: root, env: { ...process.env, SATCHEL_BUILD_ID: NEXT_BUILD }, stdio: 'pipe' },
  );
  server = await startAppServer(webDir);
});
test.afterAll(async () => {
  await server?.close();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

test('a new version is offered and applied only once the draft being typed is saved', async ({
  app,
}) => {
  const page = await app.open(server.url, '/#records', PHONE);
  const firstBuild = await page.getByTestId('app-build').textContent();
  expect(firstBuild).not.toBe(NEXT_BUILD);

  await page.getByRole('button', { name: 'New', exact: true }).click();
  const form = page.locator('form[aria-labelledby="record-form-title"]');
  await form.getByLabel('Name', { exact: true }).fill('Typed before the update');
  await form.getByLabel('Provider').fill('openai');
  await form.getByLabel('Model').fill('gpt-4o');

  // Deploy the next build, then the check the app makes when it comes back to the screen (a
  // headless page never leaves it; toggling Playwright's offline mode instead, which also makes
  // the app check, leaves Chromium unable to activate the new worker now and then).
  rmSync(webDir, { recursive: true });
  cpSync(nextBuild, webDir, { recursive: true });
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));

  const banner = page.getByTestId('update-banner');
  await expect(banner).toContainText('A new version of Satchel is ready.', { timeout: 20_000 });
  await page.evaluate(() => {
    (window as { stillTheSamePage?: boolean }).stillTheSamePage = true;
  });
  await banner.getByRole('button', { name: 'Reload' }).click();

  // Not reloaded under the draft: it says why, the typing is intact, the new version waits.
  await expect(banner).toHaveAttribute('data-state', 'afterSave');
  await expect(banner).toContainText('You have an unsaved edit.');
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('Typed before the update');
  expect(
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return {
        sameJs: (window as { stillTheSamePage?: boolean }).stillTheSamePage,
        waiting: registration?.waiting !== null,
      };
    }),
  ).toEqual({ sameJs: true, waiting: true });

  // Saving the draft lets the update through: the page reloads into the new build.
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('app-build')).toHaveText(NEXT_BUILD, { timeout: 20_000 });
  expect(
    await page.evaluate(() => (window as { stillTheSamePage?: boolean }).stillTheSamePage),
  ).toBeUndefined();
  await expect(page.getByTestId('update-banner')).toHaveCount(0);
  await expect(
    page.getByRole('list', { name: 'Profiles' }).getByRole('button', {
      name: 'Typed before the update',
    }),
  ).toBeVisible();
});
