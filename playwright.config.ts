import { defineConfig } from '@playwright/test';

/** End-to-end tests drive Debian's Chromium; Playwright never downloads a browser here. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.PW_JSON_REPORT
    ? [['list'], ['json', { outputFile: process.env.PW_JSON_REPORT }]]
    : [['list']],
  use: {
    headless: true,
    launchOptions: {
      executablePath: chromiumPath,
      args: ['--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    },
  },
});
