import { describe, expect, test } from 'vitest';
import { newAccount, newDevice, type SuiteContext, T0 } from './context';

export function deviceTests(ctx: SuiteContext): void {
  describe('devices', () => {
    test('created devices are listed oldest first, with their fields', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const a = await newDevice(store, account.id, T0);
      const b = await store.createDevice({
        accountId: account.id,
        name: 'Phone',
        platform: 'pwa',
        clientId: 'satchel-pwa',
        now: T0 + 5,
      });
      expect(b).toEqual({
        id: expect.any(String),
        accountId: account.id,
        name: 'Phone',
        platform: 'pwa',
        clientId: 'satchel-pwa',
        createdAt: T0 + 5,
        lastSeenAt: null,
        revokedAt: null,
        cursorSeq: 0,
        hasPulled: false,
      });
      expect((await store.listDevices(account.id)).map((d) => d.id)).toEqual([a.id, b.id]);
    });

    test('one account never sees, renames or revokes another account’s devices', async () => {
      const store = ctx.store();
      const alice = await newAccount(store);
      const mallory = await newAccount(store);
      const device = await newDevice(store, alice.id);
      expect(await store.listDevices(mallory.id)).toEqual([]);
      expect(await store.renameDevice(mallory.id, device.id, 'pwned')).toBeNull();
      expect(await store.revokeDevice(mallory.id, device.id, T0)).toBe(false);
      expect((await store.listDevices(alice.id))[0]).toMatchObject({
        name: 'Laptop',
        revokedAt: null,
      });
    });

    test('rename changes the name of a live device only', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const device = await newDevice(store, account.id);
      expect(await store.renameDevice(account.id, device.id, 'Desk')).toMatchObject({
        id: device.id,
        name: 'Desk',
      });
      expect(await store.renameDevice(account.id, 'no-such-device', 'x')).toBeNull();
      await store.revokeDevice(account.id, device.id, T0 + 1);
      expect(await store.renameDevice(account.id, device.id, 'Again')).toBeNull();
    });

    test('a revoked device leaves the list and cannot be revoked twice', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const keep = await newDevice(store, account.id);
      const gone = await newDevice(store, account.id);
      expect(await store.revokeDevice(account.id, gone.id, T0 + 1)).toBe(true);
      expect(await store.revokeDevice(account.id, gone.id, T0 + 2)).toBe(false);
      expect((await store.listDevices(account.id)).map((d) => d.id)).toEqual([keep.id]);
    });

    test('touchDevice records last seen and never moves it backwards', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const device = await newDevice(store, account.id);
      await store.touchDevice(device.id, T0 + 100);
      await store.touchDevice(device.id, T0 + 50);
      expect((await store.listDevices(account.id))[0]?.lastSeenAt).toBe(T0 + 100);
    });
  });
}
