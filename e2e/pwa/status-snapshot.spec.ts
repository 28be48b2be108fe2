/**
 * The app paints its last-known status in its first frame, marked "as of …", while its service
 * worker starts; the worker's own status replaces it. The pages keep that snapshot in the app's
 * localStorage, which outlives the browser session, so nothing is kept there once the device lock
 * is on (unit-tested in src/host/status-snapshot.test.ts).
 */
import type { TestServer } from '../../src/server/testing';
import { connectNewAccount, expectInSync, unlockWith } from '../extension/connect';
import { launchProfile } from '../extension/fixtures';
import { createProfile } from '../extension/records';
import { recordStatuses, seenStatuses } from '../extension/status-recorder';
import { newPerson } from '../extension/sync-server';
import { approveInTab, startAppConnect } from './connect-app';
import { expect, PHONE, startAppServer, test } from './fixtures';

let server: TestServer;
test.beforeAll(async () => {
  server = await startAppServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('reopened, the app paints the last status at once, as of when, then the live one', async ({
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
    await approveInTab(tab, userCode, person, 'existing');
    await tab.close();
    await unlockWith(page, recoveryKey);
    await expectInSync(page);
    await expect(page.getByTestId('count-profiles')).toHaveText('1', { timeout: 20_000 });
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const raw = localStorage.getItem('satchel.statusSnapshot');
            return raw ? (JSON.parse(raw).status.counts.profiles as number) : null;
          }),
        { timeout: 10_000 },
      )
      .toBe(1);

    await recordStatuses(page);
    await page.reload();
    await expect(page.getByTestId('status')).toHaveText('In sync', { timeout: 20_000 });
    await expect(page.getByTestId('status')).not.toHaveAttribute('data-as-of');
    const seen = (await seenStatuses(page)).filter((entry) => entry.phase !== null);
    expect(seen[0]).toMatchObject({ phase: 'idle', profiles: '1' });
    expect(seen[0]?.text).toMatch(/^In sync · as of (just now|\d+ minutes? ago)$/);
    expect(seen.at(-1)).toMatchObject({ text: 'In sync', asOf: null, profiles: '1' });
  } finally {
    await extension.close();
  }
});
