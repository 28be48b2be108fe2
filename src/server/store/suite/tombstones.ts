import { describe, expect, test } from 'vitest';
import type { Store } from '../types';
import { FINGERPRINT, newDevice, op, type SuiteContext, syncingAccount, T0 } from './context';

const DAY = 24 * 60 * 60 * 1000;
const LATER = T0 + 100 * DAY;

/** An account with live records a (seq 1), c (seq 3) and tombstones b (seq 4), d (seq 5). */
async function withTombstones(store: Store) {
  // The store is shared and purging is global: first clear whatever earlier tests left
  // purgeable, so the counts below are this test's alone.
  await store.purgeTombstones(LATER);
  const { account, device } = await syncingAccount(store);
  const write = (ops: ReturnType<typeof op>[], now = T0) =>
    store.applyBatch({ accountId: account.id, keyFingerprint: FINGERPRINT, ops, now });
  await write([op({ id: 'a' }), op({ id: 'b' }), op({ id: 'c' })]);
  await write([op({ id: 'b', base_rev: 1, deleted: true }), op({ id: 'd', deleted: true })]);
  const pull = (sinceSeq: number, deviceId = device.id, limit = 100) =>
    store.changesSince({ accountId: account.id, deviceId, sinceSeq, limit });
  const ids = async (sinceSeq: number, deviceId = device.id) => {
    const outcome = await pull(sinceSeq, deviceId);
    if (outcome.kind !== 'changes') throw new Error(outcome.kind);
    return outcome.changes.map((c) => (c.deleted ? `${c.id}†` : c.id));
  };
  return { account, device, write, pull, ids };
}

export function tombstoneTests(ctx: SuiteContext): void {
  describe('tombstone purge and cursor_expired', () => {
    test('tombstones wait until every active device has pulled past them', async () => {
      const store = ctx.store();
      const { account, pull, ids } = await withTombstones(store);
      const lagging = await newDevice(store, account.id);
      await pull(5);
      await pull(3, lagging.id);
      expect(await store.purgeTombstones(LATER)).toBe(0);
      await pull(4, lagging.id);
      // b (seq 4) is behind every cursor now; d (seq 5) still waits for the lagging device.
      expect(await store.purgeTombstones(LATER)).toBe(1);
      expect(await ids(0)).toEqual(['a', 'c', 'd†']);
      // That look from 0 moved this device's cursor back; it catches up, and so does the laggard.
      await pull(5);
      await pull(5, lagging.id);
      expect(await store.purgeTombstones(LATER)).toBe(1);
      expect(await ids(0)).toEqual(['a', 'c']);
    });

    test('revoked devices and devices that never pulled hold nothing back', async () => {
      const store = ctx.store();
      const { account, pull, ids } = await withTombstones(store);
      const stale = await newDevice(store, account.id);
      await newDevice(store, account.id); // never pulls
      await pull(5);
      await pull(0, stale.id);
      expect(await store.purgeTombstones(LATER)).toBe(0);
      await store.revokeDevice(account.id, stale.id, T0 + 1);
      expect(await store.purgeTombstones(LATER)).toBe(2);
      expect(await ids(5)).toEqual([]);
      expect(await ids(0)).toEqual(['a', 'c']);
    });

    test('only tombstones modified before olderThan are purged, live records never', async () => {
      const store = ctx.store();
      const { write, pull, ids } = await withTombstones(store);
      await write([op({ id: 'e', deleted: true })], T0 + 10 * DAY);
      await pull(6);
      expect(await store.purgeTombstones(T0 + 10 * DAY)).toBe(2);
      expect(await ids(0)).toEqual(['a', 'c', 'e†']);
    });

    test('a device stepping back behind purged tombstones gets cursor_expired; 0 never does', async () => {
      const store = ctx.store();
      const { pull } = await withTombstones(store);
      await pull(5);
      expect(await store.purgeTombstones(LATER)).toBe(2);
      expect(await pull(3)).toEqual({ kind: 'cursor_expired' });
      expect(await pull(4)).toEqual({ kind: 'cursor_expired' });
      // At or past the newest purged seq nothing was missed.
      expect(await pull(5)).toMatchObject({ kind: 'changes', changes: [], cursorSeq: 5 });
      expect(await pull(0)).toMatchObject({ kind: 'changes', cursorSeq: 3, hasMore: false });
    });

    test('a device whose first pull is an old cursor gets cursor_expired', async () => {
      const store = ctx.store();
      const { account, pull } = await withTombstones(store);
      await pull(5);
      await store.purgeTombstones(LATER);
      // A new sign-in carrying over local state from cursor 2 cannot know b and d were deleted.
      const newcomer = await newDevice(store, account.id);
      expect(await pull(2, newcomer.id)).toEqual({ kind: 'cursor_expired' });
      expect(await pull(5, newcomer.id)).toMatchObject({ kind: 'changes', cursorSeq: 5 });
    });

    test('a resync from 0 after a purge can page in small steps without expiring', async () => {
      const store = ctx.store();
      const { write, pull } = await withTombstones(store);
      await pull(5);
      await store.purgeTombstones(LATER);
      await write([op({ id: 'f' })]);
      const seen: string[] = [];
      let cursor = 0;
      for (;;) {
        const page = await pull(cursor, undefined, 1);
        if (page.kind !== 'changes') throw new Error(`page from ${cursor}: ${page.kind}`);
        seen.push(...page.changes.map((c) => c.id));
        cursor = page.cursorSeq;
        if (!page.hasMore) break;
      }
      expect(seen).toEqual(['a', 'c', 'f']);
      expect(cursor).toBe(6);
    });

    test('purging one account leaves another untouched', async () => {
      const store = ctx.store();
      const busy = await withTombstones(store);
      // Pulled from 0 before the next setup's settling purge: its tombstones must wait.
      await busy.pull(0);
      const idle = await withTombstones(store);
      await idle.pull(5);
      expect(await store.purgeTombstones(LATER)).toBe(2);
      expect(await busy.ids(0)).toEqual(['a', 'c', 'b†', 'd†']);
      expect(await idle.ids(0)).toEqual(['a', 'c']);
    });
  });
}
