/**
 * The app installs cleanly, and once loaded it opens again, at the root and by a deep link, with
 * the network cut and the server stopped.
 */
import { expect, screenshot, startAppServer, test } from './fixtures';

test('installs with no installability errors and reloads and deep-links offline', async ({
  app,
}) => {
  const server = await startAppServer();
  let serverRunning = true;
  try {
    const page = await app.open(server.url);
    await expect(page.getByRole('heading', { name: 'Not connected' })).toBeVisible();

    const cdp = await app.context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(JSON.parse(manifest.data ?? '{}')).toMatchObject({
      name: 'Satchel',
      display: 'standalone',
      icons: expect.arrayContaining([expect.objectContaining({ purpose: 'maskable' })]),
    });

    await server.close();
    serverRunning = false;
    await app.context.setOffline(true);
    // Proof the network is gone for the page: anything not precached fails.
    expect(
      await page.evaluate(() =>
        fetch('/health').then(
          () => 'reached',
          () => 'failed',
        ),
      ),
    ).toBe('failed');

    await page.reload();
    await expect(page.getByRole('heading', { name: 'Not connected' })).toBeVisible();

    await page.goto(`${server.url}/#records`);
    await expect(page.getByRole('heading', { name: 'Settings data' })).toBeVisible();
    // The status came from the engine in the worker, which runs with no server.
    await expect(page.getByTestId('status')).toHaveText('Not connected');
    await expect(page.getByRole('link', { name: 'Records' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await page.goto(`${server.url}/#devices`);
    await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
    await screenshot(page, 'pwa-offline-deep-link');
  } finally {
    if (serverRunning) await server.close();
  }
});
