import { describe, expect, test } from 'vitest';
import { AccountNotFoundError, DeviceNotFoundError, InvalidStoreArgumentError } from '../errors';
import { FINGERPRINT, newDevice, op, type SuiteContext, syncingAccount, T0 } from './context';

export function changesTests(ctx: SuiteContext): void {
  describe('changesSince', () => {
    test('pages in seq order with has_more; the cursor is the last seq returned', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: Array.from({ length: 5 }, (_, i) => op({ id: `r${i}` })),
        now: T0,
      });
      const page = (sinceSeq: number, limit: number) =>
        store.changesSince({ accountId: account.id, deviceId: device.id, sinceSeq, limit });

      const p1 = await page(0, 2);
      expect(p1).toMatchObject({ kind: 'changes', cursorSeq: 2, hasMore: true, lastSeq: 5 });
      expect(p1.kind === 'changes' && p1.changes.map((c) => c.seq)).toEqual([1, 2]);
      const p2 = await page(2, 2);
      expect(p2.kind === 'changes' && p2.changes.map((c) => c.id)).toEqual(['r2', 'r3']);
      expect(p2).toMatchObject({ cursorSeq: 4, hasMore: true });
      // Exactly the rest: no has_more when the page is filled to the last row.
      const p3 = await page(4, 1);
      expect(p3).toMatchObject({ cursorSeq: 5, hasMore: false });
      expect(await page(5, 10)).toEqual({
        kind: 'changes',
        changes: [],
        cursorSeq: 5,
        hasMore: false,
        lastSeq: 5,
      });
    });

    test("a cursor beyond the account's last change is refused (cursor_ahead), before and after writes", async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      const page = (sinceSeq: number) =>
        store.changesSince({ accountId: account.id, deviceId: device.id, sinceSeq, limit: 10 });
      // Taken at its word, cursor 3 would hide seqs 1 to 3 from this device forever.
      expect(await page(3)).toEqual({ kind: 'cursor_ahead' });
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [op({ id: 'x' }), op({ id: 'y' })],
        now: T0,
      });
      expect(await page(3)).toEqual({ kind: 'cursor_ahead' });
      expect(await page(2)).toMatchObject({ kind: 'changes', changes: [], cursorSeq: 2 });
      expect(await page(0)).toMatchObject({ kind: 'changes', cursorSeq: 2, hasMore: false });
    });

    test('an updated record appears once, at its latest seq', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      const batch = (ops: ReturnType<typeof op>[]) =>
        store.applyBatch({ accountId: account.id, keyFingerprint: FINGERPRINT, ops, now: T0 });
      await batch([op({ id: 'a' }), op({ id: 'b' })]);
      await batch([op({ id: 'a', base_rev: 1, payload: 'a2' })]);
      const since1 = await store.changesSince({
        accountId: account.id,
        deviceId: device.id,
        sinceSeq: 1,
        limit: 10,
      });
      expect(
        since1.kind === 'changes' && since1.changes.map((c) => [c.id, c.seq, c.payload]),
      ).toEqual([
        ['b', 2, expect.any(String)],
        ['a', 3, 'a2'],
      ]);
    });

    test('records the cursor the device pulled from', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      const other = await newDevice(store, account.id);
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [op({ id: 'a' }), op({ id: 'b' })],
        now: T0,
      });
      await store.changesSince({
        accountId: account.id,
        deviceId: device.id,
        sinceSeq: 2,
        limit: 10,
      });
      const devices = await store.listDevices(account.id);
      expect(devices.find((d) => d.id === device.id)).toMatchObject({
        cursorSeq: 2,
        hasPulled: true,
      });
      expect(devices.find((d) => d.id === other.id)).toMatchObject({
        cursorSeq: 0,
        hasPulled: false,
      });
    });

    test('a device of another account, an unknown account and nonsense arguments are errors', async () => {
      const store = ctx.store();
      const alice = await syncingAccount(store);
      const bob = await syncingAccount(store);
      await expect(
        store.changesSince({
          accountId: alice.account.id,
          deviceId: bob.device.id,
          sinceSeq: 0,
          limit: 10,
        }),
      ).rejects.toBeInstanceOf(DeviceNotFoundError);
      await expect(
        store.changesSince({
          accountId: 'no-such-account',
          deviceId: bob.device.id,
          sinceSeq: 0,
          limit: 10,
        }),
      ).rejects.toBeInstanceOf(AccountNotFoundError);
      for (const [sinceSeq, limit] of [
        [-1, 10],
        [1.5, 10],
        [0, 0],
        [0, 2.5],
        [Number.NaN, 10],
      ] as const) {
        await expect(
          store.changesSince({
            accountId: alice.account.id,
            deviceId: alice.device.id,
            sinceSeq,
            limit,
          }),
        ).rejects.toBeInstanceOf(InvalidStoreArgumentError);
      }
    });
  });
}
