/**
 * Revoking a lost device and rotating the account key from another: the revoked profile is cut
 * off and what it kept cannot open anything written afterwards, while the remaining profile picks
 * the new key up by itself and keeps syncing. A rotation whose worker is stopped halfway through
 * re-uploading finishes when the worker wakes again.
 */
import type { Page } from '@playwright/test';
import { deriveAccountKeys, openRecord } from '../../src/engine/crypto';
import type { TestServer } from '../../src/server/testing';
import { readServerRecords } from '../../test/rig/server-control';
import { revokeAndRotate, shownFingerprint, storedKeys } from './account-keys';
import { connectExistingAccount, connectNewAccount, expectInSync } from './connect';
import {
  badgeText,
  expect,
  launchProfile,
  type Profile,
  screenshot,
  stopServiceWorker,
  test,
} from './fixtures';
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

async function fingerprintOf(profile: Profile): Promise<string> {
  const page = await profile.openOptions('security');
  const text = await shownFingerprint(page);
  await page.close();
  return text;
}

/** Creates records through the options page's own bridge (faster than the form for many). */
async function createMany(options: Page, count: number): Promise<void> {
  await options.evaluate(async (n) => {
    type Message = { type: string; id: number; ok: boolean; error?: object };
    interface Port {
      postMessage(message: object): void;
      disconnect(): void;
      onMessage: {
        addListener(listener: (message: Message) => void): void;
        removeListener(listener: (message: Message) => void): void;
      };
    }
    const { runtime } = (
      globalThis as unknown as { chrome: { runtime: { connect(o: object): Port } } }
    ).chrome;
    const port = runtime.connect({ name: 'satchel' });
    let id = 0;
    const call = (input: object) =>
      new Promise<void>((resolve, reject) => {
        const mine = ++id;
        const listener = (message: Message) => {
          if (message.type !== 'result' || message.id !== mine) return;
          port.onMessage.removeListener(listener);
          if (message.ok) resolve();
          else reject(new Error(JSON.stringify(message.error)));
        };
        port.onMessage.addListener(listener);
        port.postMessage({ type: 'call', id: mine, name: 'records.save', input });
      });
    for (let i = 0; i < n; i++) {
      await call({
        collection: 'profiles',
        value: { name: `Bulk ${i}`, provider: 'openai', model: 'gpt-4o', apiKey: `sk-${i}` },
      });
    }
    port.disconnect();
  }, count);
}

test('a revoked profile is cut off and cannot read what is written after the rotation; the other keeps syncing', async ({
  profile: laptop,
}) => {
  test.setTimeout(240_000);
  const person = newPerson();
  const { popup: laptopPopup, recoveryKey } = await connectNewAccount(laptop, server.url, person);
  const laptopOptions = await laptop.openOptions('records');
  await createProfile(laptopOptions, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
  await createProfile(laptopOptions, { name: 'Home', provider: 'anthropic', model: 'claude' });
  await laptopPopup.bringToFront();
  await expectInSync(laptopPopup);

  const tablet = await launchProfile();
  const phone = await launchProfile();
  try {
    const tabletPopup = await connectExistingAccount(tablet, server.url, person, recoveryKey);
    const phonePopup = await connectExistingAccount(phone, server.url, person, recoveryKey);
    await expect(phonePopup.getByTestId('count-profiles')).toHaveText('2');
    // The tablet names itself so the laptop can tell it apart.
    const tabletDevices = await tablet.openOptions('devices');
    const self = tabletDevices.locator('ul.list > li').filter({ hasText: 'this device' });
    await self.getByRole('button', { name: 'Rename' }).click();
    await self.getByLabel('New name').fill('Lost tablet');
    await self.getByRole('button', { name: 'Save' }).click();
    await expect(tabletDevices.getByText('Lost tablet')).toBeVisible();
    const stolen = await storedKeys(await tablet.serviceWorker());
    const before = await fingerprintOf(laptop);

    const devices = await laptop.openOptions('devices');
    // A new recovery key by default: the old one may be known to whoever holds the tablet.
    expect(await revokeAndRotate(devices, 'Lost tablet')).not.toBe(recoveryKey);
    await screenshot(devices, 'options-revoked-offer-rotation');
    await expect(devices.getByRole('status').filter({ hasText: 'was rotated' })).toBeVisible({
      timeout: 60_000,
    });
    await screenshot(devices, 'options-rotated');
    await laptopPopup.bringToFront();
    await laptopPopup.reload();
    await expectInSync(laptopPopup);
    const after = await fingerprintOf(laptop);
    expect(after).not.toBe(before);

    // Every record on the server is now sealed under the new key.
    const account = { accountId: stolen.accountId, deviceId: stolen.deviceId };
    const resealed = await readServerRecords(server, account);
    expect(resealed.size).toBe(2);
    for (const record of resealed.values()) expect(record.key_fingerprint).toBe(after);

    // The phone picks the new key up on its own and keeps syncing both ways.
    const phoneOptions = await phone.openOptions('records');
    await editProfile(phoneOptions, 'Work', { name: 'Work (after rotation)' });
    await phonePopup.bringToFront();
    await expectInSync(phonePopup);
    await expect(phonePopup.getByRole('heading', { name: 'Unlock your settings' })).toHaveCount(0);
    expect(await fingerprintOf(phone)).toBe(after);
    await laptopPopup.bringToFront();
    await laptopPopup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(laptopPopup);
    await laptopOptions.reload();
    await expect(
      laptopOptions
        .getByRole('list', { name: 'Profiles' })
        .getByRole('button', { name: 'Work (after rotation)' }),
    ).toBeVisible();

    // The tablet was signed out as soon as it was revoked (live sync: its stream closed with
    // 4403), and its stored key does not open the new change (what a thief who copied its
    // storage would try).
    await tabletPopup.bringToFront();
    await expect(tabletPopup.locator('[role="alert"][data-code="device_revoked"]')).toBeVisible();
    await expect(tabletPopup.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
    await expect.poll(async () => badgeText(await tablet.serviceWorker())).toBe('!');
    const latest = [...(await readServerRecords(server, account)).values()].sort(
      (a, b) => b.seq - a.seq,
    )[0];
    if (!latest) throw new Error('no record on the server');
    const oldKeys = await deriveAccountKeys(
      new Uint8Array(stolen.master),
      stolen.accountId,
      stolen.epoch,
      { tokenRoot: new Uint8Array(stolen.tokenRoot) },
    );
    await expect(
      openRecord(
        oldKeys,
        {
          accountId: stolen.accountId,
          collection: latest.collection,
          id: latest.id,
          epoch: latest.key_epoch,
          deleted: latest.deleted,
          rev: latest.rev,
        },
        latest.payload,
      ),
    ).rejects.toMatchObject({ code: 'wrong_key' });
  } finally {
    await tablet.close();
    await phone.close();
  }
});

test('a rotation whose worker is stopped halfway through re-uploading finishes on the next wake-up', async ({
  profile: laptop,
}) => {
  test.setTimeout(240_000);
  const person = newPerson();
  const { popup, recoveryKey } = await connectNewAccount(laptop, proxy.url, person);
  const options = await laptop.openOptions('records');
  await createMany(options, 120);
  await popup.bringToFront();
  await expectInSync(popup);
  const phone = await launchProfile();
  try {
    await connectExistingAccount(phone, server.url, person, recoveryKey);
    const { accountId, deviceId } = await storedKeys(await laptop.serviceWorker());
    const before = await fingerprintOf(laptop);

    // The re-uploads reach the server but their answers are held: then the worker stops.
    proxy.hold((method, path) => method === 'POST' && path.startsWith('/v1/batch'));
    const security = await laptop.openOptions('security');
    await security.getByTestId('rotate-key').click();
    await expect(security.getByTestId('rotation-progress')).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => proxy.held, { timeout: 30_000 }).toBeGreaterThan(0);
    await screenshot(security, 'options-rotation-progress');
    proxy.hold(null);
    await stopServiceWorker(laptop, security);
    proxy.release();

    // Opening the popup wakes a fresh worker, which carries the rotation to its end.
    await popup.reload();
    await expectInSync(popup);
    await expect
      .poll(
        async () => {
          const records = [...(await readServerRecords(server, { accountId, deviceId })).values()];
          return records.filter((r) => r.key_fingerprint === before).length;
        },
        { timeout: 60_000, intervals: [1000] },
      )
      .toBe(0);
    await security.reload();
    await expect(security.getByTestId('rotation-progress')).toHaveCount(0, { timeout: 60_000 });
    const after = await fingerprintOf(laptop);
    expect(after).not.toBe(before);
    const records = await readServerRecords(server, { accountId, deviceId });
    expect(records.size).toBe(120);
    for (const record of records.values()) expect(record.key_fingerprint).toBe(after);

    // The other profile follows without a secret and still sees all 120.
    const phonePopup = await phone.openPopup();
    await phonePopup.getByRole('button', { name: 'Sync now' }).click();
    await expectInSync(phonePopup);
    await expect(phonePopup.getByTestId('count-profiles')).toHaveText('120');
    expect(await fingerprintOf(phone)).toBe(after);
  } finally {
    await phone.close();
  }
});
