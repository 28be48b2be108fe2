/**
 * The browser stops the extension's service worker whenever it likes. Stopped (CDP
 * ServiceWorker.stopAllWorkers) while a sign-in waits for approval, or while a sync's answer is
 * on its way, the next worker resumes from IndexedDB: nothing is lost and the flow completes.
 */
import type { TestServer } from '../../src/server/testing';
import {
  connectExistingAccount,
  connectNewAccount,
  createKey,
  decideInTab,
  expectInSync,
  startConnect,
  userCodeIn,
} from './connect';
import { expect, launchProfile, screenshot, stopServiceWorker, test } from './fixtures';
import { createProfile, editProfile } from './records';
import { type SlowProxy, startSlowProxy } from './slow-proxy';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
let proxy: SlowProxy;
test.beforeAll(async () => {
  server = await startSyncServer();
  proxy = await startSlowProxy(server.url);
});
test.afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const MARK = '__satchelTestMark';

async function deviceCount(username: string): Promise<number> {
  const account = await server.store.findAccountByUsername(username);
  return account ? (await server.store.listDevices(account.id)).length : 0;
}

test('a worker stopped while the sign-in waits for approval finishes it after a restart', async ({
  profile,
}) => {
  test.setTimeout(120_000);
  const popup = await profile.openPopup();
  const tab = await startConnect(profile, popup, server.url);
  const code = await userCodeIn(popup);
  // The person leaves the popup for the sign-in tab; meanwhile the browser stops the worker.
  await popup.close();
  const worker = await profile.serviceWorker();
  await worker.evaluate((mark) => Reflect.set(self, mark, true), MARK);
  await stopServiceWorker(profile, tab);

  const person = newPerson();
  await decideInTab(tab, code, person);
  // No extension page is open: the wake-up alarm the stopped worker left behind starts a new
  // one, which resumes polling from IndexedDB and collects the tokens (the server creates the
  // device only then).
  await expect
    .poll(() => deviceCount(person.username), { timeout: 60_000, intervals: [1000] })
    .toBe(1);
  expect(await worker.evaluate((mark) => Reflect.get(self, mark), MARK)).toBeUndefined();
  const reopened = await profile.openPopup();
  await expect(reopened.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 20_000,
  });
  await createKey(reopened);
  await expectInSync(reopened);
});

test('a worker stopped during a sync loses nothing and the sync completes', async ({ profile }) => {
  test.setTimeout(120_000);
  const person = newPerson();
  const { popup, recoveryKey } = await connectNewAccount(profile, proxy.url, person);
  const options = await profile.openOptions('records');
  await createProfile(options, { name: 'Before', provider: 'openai', model: 'gpt-4o' });
  await popup.bringToFront();
  await expectInSync(popup);

  // The next push reaches the server, but its answer is held back...
  proxy.hold((method, path) => method === 'POST' && path.startsWith('/v1/batch'));
  await options.bringToFront();
  await editProfile(options, 'Before', { name: 'After' });
  await popup.bringToFront();
  await expect(popup.getByTestId('status')).toHaveAttribute('data-phase', 'syncing', {
    timeout: 15_000,
  });
  await expect.poll(() => proxy.held).toBeGreaterThan(0);
  await screenshot(popup, 'popup-syncing');
  // ...and the worker is stopped before it arrives.
  const worker = await profile.serviceWorker();
  await worker.evaluate((mark) => Reflect.set(self, mark, true), MARK);
  proxy.hold(null);
  await stopServiceWorker(profile, popup);
  proxy.release();

  // The open popup reconnects, which wakes a new worker; it resumes and finishes the sync.
  await expectInSync(popup);
  expect(await worker.evaluate((mark) => Reflect.get(self, mark), MARK)).toBeUndefined();
  await expect(popup.getByTestId('count-profiles')).toHaveText('1');
  await options.reload();
  const list = options.getByRole('list', { name: 'Profiles' });
  await expect(list.getByRole('button', { name: 'After' })).toBeVisible();
  await expect(list.getByText('pending sync')).toHaveCount(0);

  // The account holds exactly the edited profile, once.
  const second = await launchProfile();
  try {
    const popupB = await connectExistingAccount(second, server.url, person, recoveryKey);
    await expect(popupB.getByTestId('count-profiles')).toHaveText('1');
    const optionsB = await second.openOptions('records');
    await expect(
      optionsB.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: 'After' }),
    ).toBeVisible();
  } finally {
    await second.close();
  }
});
