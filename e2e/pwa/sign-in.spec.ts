/**
 * A person who already uses the extension installs the app on another browser profile: signs in
 * through the real /activate page (leaving the app mid-way, as people do), unlocks with the
 * recovery key the extension gave them, and finds the records the extension created.
 */
import type { TestServer } from '../../src/server/testing';
import { connectNewAccount, expectInSync, unlockWith } from '../extension/connect';
import { launchProfile } from '../extension/fixtures';
import { createProfile } from '../extension/records';
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

test('signs in through /activate across a closed app and a stopped worker, unlocks, sees the extension’s records', async ({
  app,
}) => {
  test.setTimeout(120_000);
  const person = newPerson();
  const extension = await launchProfile();
  try {
    const { popup, recoveryKey } = await connectNewAccount(extension, server.url, person);
    const options = await extension.openOptions('records');
    await createProfile(options, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
    await popup.bringToFront();
    await expectInSync(popup);

    const page = await app.open(server.url, '/', PHONE);
    const { tab, userCode } = await startAppConnect(app, page, server.url);
    // The person leaves the app while approving; the browser stops the idle worker, which
    // loses its timers (the sign-in poll) as it would in real life.
    await page.close();
    const cdp = await app.context.newCDPSession(tab);
    const stopped = new Promise<void>((resolve) =>
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        if (versions.some((v) => v.runningStatus === 'stopped')) resolve();
      }),
    );
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await stopped;
    await approveInTab(tab, userCode, person, 'existing');

    const again = await app.open(server.url, '/', PHONE);
    await unlockWith(again, recoveryKey);
    await expectInSync(again);
    await expect(again.getByTestId('count-profiles')).toHaveText('1');

    await again.goto(`${server.url}/#records`);
    const list = again.getByRole('list', { name: 'Profiles' });
    await list.getByRole('button', { name: 'Work' }).click();
    const form = again.locator('form[aria-labelledby="record-form-title"]');
    await expect(form.getByLabel('Model')).toHaveValue('gpt-4o');
    await expect(form.getByLabel('Provider')).toHaveValue('openai');
    await screenshot(again, 'pwa-records-from-extension');

    await again.goto(`${server.url}/#devices`);
    await expect(again.getByText(/Satchel app \(Chrome on Linux\)/)).toBeVisible();
  } finally {
    await extension.close();
  }
});
