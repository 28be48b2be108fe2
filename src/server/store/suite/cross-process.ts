import { describe, expect, test } from 'vitest';
import type { Store } from '../types';
import { FINGERPRINT, op, type StoreTestDatabase, syncingAccount, T0 } from './context';

const WRITERS_PER_PROCESS = 4;
const BATCHES_PER_WRITER = 12;
const OPS_PER_BATCH = 3;

/**
 * For databases several Stores can open at once (PostgreSQL): each Store stands for one server
 * process with its own connection pool.
 */
export function crossProcessTests(createDatabase: () => Promise<StoreTestDatabase>): void {
  describe('two server processes on one database', () => {
    async function twoProcesses<T>(fn: (a: Store, b: Store) => Promise<T>): Promise<T> {
      const database = await createDatabase();
      // Opened at once: both run migrations against the same empty database.
      const [a, b] = await Promise.all([database.open(), database.open()]);
      try {
        return await fn(a, b);
      } finally {
        await a.close();
        await b.close();
        await database.destroy();
      }
    }

    test('a reader paging concurrently with writers in both processes sees every seq exactly once', async () => {
      await twoProcesses(async (a, b) => {
        const { account, device } = await syncingAccount(a);
        const total = 2 * WRITERS_PER_PROCESS * BATCHES_PER_WRITER * OPS_PER_BATCH;
        const assigned: number[] = [];

        const writer = async (store: Store, w: number) => {
          for (let i = 0; i < BATCHES_PER_WRITER; i++) {
            const ops = Array.from({ length: OPS_PER_BATCH }, (_, j) =>
              op({ id: `w${w}-b${i}-o${j}` }),
            );
            const outcome = await store.applyBatch({
              accountId: account.id,
              keyFingerprint: FINGERPRINT,
              ops,
              now: T0,
            });
            if (outcome.kind !== 'applied') throw new Error(outcome.kind);
            for (const result of outcome.results) {
              if (result.status !== 'ok') throw new Error(`unexpected ${result.status}`);
              assigned.push(result.seq);
            }
          }
        };

        let writing = true;
        const seen: number[] = [];
        let cursor = 0;
        const pull = async (store: Store) => {
          const page = await store.changesSince({
            accountId: account.id,
            deviceId: device.id,
            sinceSeq: cursor,
            limit: 7,
          });
          if (page.kind !== 'changes') throw new Error(page.kind);
          seen.push(...page.changes.map((c) => c.seq));
          cursor = page.cursorSeq;
          return page.hasMore;
        };
        const reader = async () => {
          // Alternate processes, as a load balancer would.
          for (let n = 0; writing; n++) await pull(n % 2 === 0 ? a : b);
          while (await pull(b)) {}
        };

        const writers = Promise.all(
          Array.from({ length: 2 * WRITERS_PER_PROCESS }, (_, w) => writer(w % 2 === 0 ? a : b, w)),
        ).finally(() => {
          writing = false;
        });
        await Promise.all([writers, reader()]);

        const everySeq = Array.from({ length: total }, (_, i) => i + 1);
        expect([...assigned].sort((x, y) => x - y)).toEqual(everySeq);
        expect(seen).toEqual(everySeq);
        expect(cursor).toBe(total);
      });
    });

    test('conflicting compare-and-set writes from both processes: exactly one wins', async () => {
      await twoProcesses(async (a, b) => {
        const { account, device } = await syncingAccount(a);
        await a.applyBatch({
          accountId: account.id,
          keyFingerprint: FINGERPRINT,
          ops: [op({ id: 'hot' })],
          now: T0,
        });
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 === 0 ? a : b).applyBatch({
              accountId: account.id,
              keyFingerprint: FINGERPRINT,
              ops: [op({ id: 'hot', base_rev: 1, payload: `writer-${i}` })],
              now: T0 + 1,
            }),
          ),
        );
        const results = outcomes.map((o) => (o.kind === 'applied' ? o.results[0] : undefined));
        const winners = results.filter((r) => r?.status === 'ok');
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => r?.status === 'conflict')).toHaveLength(11);
        const page = await b.changesSince({
          accountId: account.id,
          deviceId: device.id,
          sinceSeq: 0,
          limit: 10,
        });
        expect(page).toMatchObject({ kind: 'changes', changes: [{ id: 'hot', rev: 2, seq: 2 }] });
      });
    });

    test('one op sent through both processes at once is applied once and answered the same', async () => {
      await twoProcesses(async (a, b) => {
        const { account } = await syncingAccount(a);
        const write = op({ id: 'retry' });
        const batch = { accountId: account.id, keyFingerprint: FINGERPRINT, ops: [write], now: T0 };
        const [viaA, viaB] = await Promise.all([a.applyBatch(batch), b.applyBatch(batch)]);
        expect(viaA).toEqual({
          kind: 'applied',
          results: [{ op_id: write.op_id, status: 'ok', rev: 1, seq: 1 }],
        });
        expect(viaB).toEqual(viaA);
      });
    });

    test('simultaneous first sign-ups in both processes make exactly one owner', async () => {
      await twoProcesses(async (a, b) => {
        const created = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 === 0 ? a : b).createAccount({
              username: `first${i}`,
              passwordHash: 'h',
              now: T0,
            }),
          ),
        );
        expect(created.filter((c) => c?.role === 'owner')).toHaveLength(1);
        expect(await b.countAccounts()).toBe(6);
      });
    });

    test('rate-limit hits from both processes share one counter', async () => {
      await twoProcesses(async (a, b) => {
        const outcomes = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            (i % 2 === 0 ? a : b).hitRateLimit('shared', 5, 60_000, T0),
          ),
        );
        expect(outcomes.filter((o) => o.allowed)).toHaveLength(5);
      });
    });
  });
}
