import { describe, expect, test } from 'vitest';
import { AccountNotFoundError } from '../errors';
import type { Store } from '../types';
import {
  FINGERPRINT,
  newAccount,
  OTHER_FINGERPRINT,
  op,
  type SuiteContext,
  syncingAccount,
  T0,
} from './context';

async function allChanges(store: Store, accountId: string, deviceId: string) {
  const outcome = await store.changesSince({ accountId, deviceId, sinceSeq: 0, limit: 1000 });
  if (outcome.kind !== 'changes') throw new Error(`expected changes, got ${outcome.kind}`);
  return outcome.changes;
}

export function recordTests(ctx: SuiteContext): void {
  describe('applyBatch', () => {
    test('creates, updates with compare-and-set, stamps key epoch and fingerprint', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store, 3);
      const create = op({ id: 'theme', payload: 'v1' });
      const first = await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [create],
        now: T0 + 1,
      });
      expect(first).toEqual({
        kind: 'applied',
        results: [{ op_id: create.op_id, status: 'ok', rev: 1, seq: 1 }],
      });

      const update = op({ id: 'theme', base_rev: 1, payload: 'v2' });
      const second = await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [update],
        now: T0 + 2,
      });
      expect(second).toEqual({
        kind: 'applied',
        results: [{ op_id: update.op_id, status: 'ok', rev: 2, seq: 2 }],
      });
      expect(await allChanges(store, account.id, device.id)).toEqual([
        {
          collection: 'prefs',
          id: 'theme',
          rev: 2,
          seq: 2,
          deleted: false,
          payload: 'v2',
          key_epoch: 3,
          key_fingerprint: FINGERPRINT,
          modified_at: new Date(T0 + 2).toISOString(),
        },
      ]);
    });

    test('conflicts: stale base_rev, create over an existing record, base_rev on a missing record', async () => {
      const store = ctx.store();
      const { account } = await syncingAccount(store);
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [op({ id: 'a', payload: 'a1' }), op({ id: 'a', base_rev: 1, payload: 'a2' })],
        now: T0,
      });
      const stale = op({ id: 'a', base_rev: 1, payload: 'lost' });
      const recreate = op({ id: 'a', base_rev: null, payload: 'lost' });
      const ghost = op({ id: 'ghost', base_rev: 4, payload: 'lost' });
      const outcome = await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [stale, recreate, ghost],
        now: T0 + 1,
      });
      const current = {
        collection: 'prefs',
        id: 'a',
        rev: 2,
        seq: 2,
        deleted: false,
        payload: 'a2',
        key_epoch: 1,
        key_fingerprint: FINGERPRINT,
        modified_at: new Date(T0).toISOString(),
      };
      expect(outcome).toEqual({
        kind: 'applied',
        results: [
          { op_id: stale.op_id, status: 'conflict', current },
          { op_id: recreate.op_id, status: 'conflict', current },
          { op_id: ghost.op_id, status: 'conflict', current: null },
        ],
      });
    });

    test('ops apply in order within a batch, each with its own seq; later ops see earlier ones', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      const outcome = await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [
          op({ id: 'x' }),
          op({ id: 'y' }),
          op({ id: 'x', base_rev: 1, payload: 'x2' }),
          op({ id: 'x', base_rev: 1, payload: 'x-stale' }),
        ],
        now: T0,
      });
      if (outcome.kind !== 'applied') throw new Error(outcome.kind);
      expect(outcome.results.map((r) => (r.status === 'ok' ? [r.rev, r.seq] : r.status))).toEqual([
        [1, 1],
        [1, 2],
        [2, 3],
        'conflict',
      ]);
      const changes = await allChanges(store, account.id, device.id);
      expect(changes.map((c) => [c.id, c.rev, c.seq, c.payload])).toEqual([
        ['y', 1, 2, expect.any(String)],
        ['x', 2, 3, 'x2'],
      ]);
    });

    test('records are keyed by collection and id', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [op({ collection: 'c1', id: 'same' }), op({ collection: 'c2', id: 'same' })],
        now: T0,
      });
      const changes = await allChanges(store, account.id, device.id);
      expect(changes.map((c) => [c.collection, c.id, c.rev])).toEqual([
        ['c1', 'same', 1],
        ['c2', 'same', 1],
      ]);
    });

    test('a deletion is a tombstone that keeps its sealed payload; it can be revived with CAS', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [op({ id: 'd' })],
        now: T0,
      });
      const del = op({ id: 'd', base_rev: 1, deleted: true, payload: 'sealed-tombstone' });
      const deleted = await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [del],
        now: T0 + 1,
      });
      expect(deleted).toEqual({
        kind: 'applied',
        results: [{ op_id: del.op_id, status: 'ok', rev: 2, seq: 2 }],
      });
      expect(await allChanges(store, account.id, device.id)).toEqual([
        expect.objectContaining({
          id: 'd',
          rev: 2,
          seq: 2,
          deleted: true,
          payload: 'sealed-tombstone',
        }),
      ]);
      // A create-only op does not resurrect a tombstone blindly; a CAS on its rev does.
      const blind = op({ id: 'd', base_rev: null });
      const revive = op({ id: 'd', base_rev: 2, payload: 'back' });
      const outcome = await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [blind, revive],
        now: T0 + 2,
      });
      expect(outcome).toEqual({
        kind: 'applied',
        results: [
          {
            op_id: blind.op_id,
            status: 'conflict',
            current: expect.objectContaining({ rev: 2, deleted: true }),
          },
          { op_id: revive.op_id, status: 'ok', rev: 3, seq: 3 },
        ],
      });
    });

    test('without a key document nothing is written: key_document_missing', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const write = op({ id: 'r' });
      expect(
        await store.applyBatch({
          accountId: account.id,
          keyFingerprint: FINGERPRINT,
          ops: [write],
          now: T0,
        }),
      ).toEqual({ kind: 'key_document_missing' });
      await store.putKeyDocument({
        accountId: account.id,
        ifMatch: '*',
        keyDocument: 'doc',
        keyFingerprint: FINGERPRINT,
        epoch: 1,
        now: T0,
      });
      // The refused op left no trace, not even its op_id: the retry really applies.
      expect(
        await store.applyBatch({
          accountId: account.id,
          keyFingerprint: FINGERPRINT,
          ops: [write],
          now: T0,
        }),
      ).toEqual({
        kind: 'applied',
        results: [{ op_id: write.op_id, status: 'ok', rev: 1, seq: 1 }],
      });
    });

    test('a batch sealed under another key is refused whole: key_mismatch', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      const good = op({ id: 'g' });
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [good],
        now: T0,
      });
      expect(
        await store.applyBatch({
          accountId: account.id,
          keyFingerprint: OTHER_FINGERPRINT,
          ops: [op({ id: 'g', base_rev: 1 }), op({ id: 'new' })],
          now: T0 + 1,
        }),
      ).toEqual({ kind: 'key_mismatch', currentFingerprint: FINGERPRINT });
      const changes = await allChanges(store, account.id, device.id);
      expect(changes.map((c) => [c.id, c.rev, c.seq])).toEqual([['g', 1, 1]]);
    });

    test('a repeated op_id is answered with its first result and applied once', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      const create = op({ id: 'idem' });
      const clash = op({ id: 'other', base_rev: 7 });
      const batch = {
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [create, clash],
        now: T0,
      };
      const first = await store.applyBatch(batch);
      // A retry after a lost response, even with a changed body, gets the same answers.
      const retry = await store.applyBatch({
        ...batch,
        ops: [
          { ...create, payload: 'changed' },
          { ...clash, base_rev: null },
        ],
        now: T0 + 5,
      });
      expect(retry).toEqual(first);
      expect(first).toEqual({
        kind: 'applied',
        results: [
          { op_id: create.op_id, status: 'ok', rev: 1, seq: 1 },
          { op_id: clash.op_id, status: 'conflict', current: null },
        ],
      });
      // Nothing was re-applied: still one change, and the next write gets seq 2.
      expect((await allChanges(store, account.id, device.id)).map((c) => c.payload)).toEqual([
        create.payload,
      ]);
      const next = op({ id: 'idem', base_rev: 1 });
      expect(
        await store.applyBatch({
          accountId: account.id,
          keyFingerprint: FINGERPRINT,
          ops: [next],
          now: T0 + 6,
        }),
      ).toEqual({
        kind: 'applied',
        results: [{ op_id: next.op_id, status: 'ok', rev: 2, seq: 2 }],
      });
    });

    test('an op_id repeated inside one batch applies once', async () => {
      const store = ctx.store();
      const { account } = await syncingAccount(store);
      const create = op({ id: 'twice' });
      const outcome = await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [create, create],
        now: T0,
      });
      const ok = { op_id: create.op_id, status: 'ok', rev: 1, seq: 1 };
      expect(outcome).toEqual({ kind: 'applied', results: [ok, ok] });
    });

    test('op_ids and sequence numbers are per account', async () => {
      const store = ctx.store();
      const alice = await syncingAccount(store);
      const bob = await syncingAccount(store);
      const shared = op({ id: 'r' });
      const a = await store.applyBatch({
        accountId: alice.account.id,
        keyFingerprint: FINGERPRINT,
        ops: [shared, op({ id: 's' })],
        now: T0,
      });
      const b = await store.applyBatch({
        accountId: bob.account.id,
        keyFingerprint: FINGERPRINT,
        ops: [shared],
        now: T0,
      });
      expect(a.kind === 'applied' && a.results.map((r) => r.status === 'ok' && r.seq)).toEqual([
        1, 2,
      ]);
      expect(b).toEqual({
        kind: 'applied',
        results: [{ op_id: shared.op_id, status: 'ok', rev: 1, seq: 1 }],
      });
      // Neither account sees the other's records.
      expect(
        (await allChanges(store, bob.account.id, bob.device.id)).map((c) => c.payload),
      ).toEqual([shared.payload]);
      expect(await allChanges(store, alice.account.id, alice.device.id)).toHaveLength(2);
    });

    test('simultaneous compare-and-set writes to one record: exactly one wins', async () => {
      const store = ctx.store();
      const { account, device } = await syncingAccount(store);
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [op({ id: 'hot' })],
        now: T0,
      });
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.applyBatch({
            accountId: account.id,
            keyFingerprint: FINGERPRINT,
            ops: [op({ id: 'hot', base_rev: 1, payload: `w${i}` })],
            now: T0 + 1,
          }),
        ),
      );
      const statuses = outcomes.map((o) => (o.kind === 'applied' ? o.results[0]?.status : o.kind));
      expect(statuses.filter((s) => s === 'ok')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'conflict')).toHaveLength(7);
      expect((await allChanges(store, account.id, device.id)).map((c) => c.rev)).toEqual([2]);
    });

    test('a batch for an unknown account is an error', async () => {
      await expect(
        ctx.store().applyBatch({
          accountId: 'no-such-account',
          keyFingerprint: FINGERPRINT,
          ops: [op({ id: 'r' })],
          now: T0,
        }),
      ).rejects.toBeInstanceOf(AccountNotFoundError);
    });
  });
}
