/**
 * A deploy that lost its service worker (sw.js missing) says so instead of loading forever: the
 * worker holds the engine, so without it the app cannot show anything real.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_DIR, expect, startAppServer, test } from './fixtures';

test('an app served without its service worker explains that it cannot start', async ({ app }) => {
  const webDir = mkdtempSync(join(tmpdir(), 'satchel-pwa-broken-'));
  cpSync(APP_DIR, webDir, { recursive: true });
  rmSync(join(webDir, 'sw.js'));
  const server = await startAppServer(webDir);
  try {
    const page = await app.context.newPage();
    await page.goto(`${server.url}/`);
    const alert = page.getByRole('alert');
    await expect(alert).toHaveAttribute('data-code', 'service_worker_failed');
    await expect(alert).toContainText('background worker could not start');
    await expect(alert).toContainText('Reload the page');
    await expect(page.getByText('Loading…')).toHaveCount(0);
  } finally {
    await server.close();
    rmSync(webDir, { recursive: true, force: true });
  }
});
