import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { BatchOp, BatchResult, RemoteRecord } from '../../../protocol';
import type { Store } from '../types';
import { FINGERPRINT, type SuiteContext, syncingAccount, T0 } from './context';

/** What the store should hold, computed the simple way. */
interface ModelRecord {
  collection: string;
  id: string;
  rev: number;
  seq: number;
  deleted: boolean;
  payload: string;
  modified: number;
}

class Model {
  readonly records = new Map<string, ModelRecord>();
  readonly answered = new Map<string, BatchResult>();
  seq = 0;

  apply(op: BatchOp, now: number): BatchResult {
    const earlier = this.answered.get(op.op_id);
    if (earlier) return earlier;
    const key = `${op.collection}/${op.id}`;
    const current = this.records.get(key);
    let result: BatchResult;
    if (op.base_rev !== (current?.rev ?? null)) {
      result = { op_id: op.op_id, status: 'conflict', current: current ? remote(current) : null };
    } else {
      this.seq += 1;
      const rev = (current?.rev ?? 0) + 1;
      const { collection, id, deleted, payload } = op;
      this.records.set(key, {
        collection,
        id,
        deleted,
        payload,
        rev,
        seq: this.seq,
        modified: now,
      });
      result = { op_id: op.op_id, status: 'ok', rev, seq: this.seq };
    }
    this.answered.set(op.op_id, result);
    return result;
  }
}

function remote(record: ModelRecord): RemoteRecord {
  return {
    collection: record.collection,
    id: record.id,
    rev: record.rev,
    seq: record.seq,
    deleted: record.deleted,
    payload: record.payload,
    key_epoch: 1,
    key_fingerprint: FINGERPRINT,
    modified_at: new Date(record.modified).toISOString(),
  };
}

/** An op drawn against a small key space so creates, updates and conflicts all happen often. */
const opArbitrary = fc.record({
  collection: fc.constantFrom('c1', 'c2'),
  id: fc.constantFrom('a', 'b', 'c'),
  baseRev: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
  useCurrentRev: fc.boolean(),
  deleted: fc.boolean(),
  payload: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
  reuseOpId: fc.option(fc.nat(), { freq: 5 }),
});

const batchesArbitrary = fc.array(fc.array(opArbitrary, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 8,
});

async function drain(store: Store, accountId: string, deviceId: string, limit: number) {
  const seen = [];
  let cursor = 0;
  for (;;) {
    const page = await store.changesSince({ accountId, deviceId, sinceSeq: cursor, limit });
    if (page.kind !== 'changes') throw new Error(page.kind);
    seen.push(...page.changes);
    cursor = page.cursorSeq;
    if (!page.hasMore) return { seen, cursor };
  }
}

export function recordModelTests(ctx: SuiteContext): void {
  describe('applyBatch and changesSince against a reference model', () => {
    test('any sequence of batches gives the model’s answers and the model’s feed', async () => {
      await fc.assert(
        fc.asyncProperty(
          batchesArbitrary,
          fc.integer({ min: 1, max: 5 }),
          async (batches, limit) => {
            const store = ctx.store();
            const { account, device } = await syncingAccount(store);
            const model = new Model();
            const usedOpIds: string[] = [];
            let counter = 0;
            for (const [b, drawn] of batches.entries()) {
              const now = T0 + b;
              const ops: BatchOp[] = drawn.map((d) => {
                const reused =
                  d.reuseOpId === null
                    ? undefined
                    : usedOpIds[d.reuseOpId % Math.max(1, usedOpIds.length)];
                const opId = reused ?? `op-${account.id.slice(0, 8)}-${counter++}`;
                usedOpIds.push(opId);
                const current = model.records.get(`${d.collection}/${d.id}`);
                const baseRev = d.useCurrentRev ? (current?.rev ?? null) : d.baseRev;
                return {
                  collection: d.collection,
                  id: d.id,
                  base_rev: baseRev,
                  deleted: d.deleted,
                  payload: d.payload,
                  op_id: opId,
                };
              });
              const expected = ops.map((op) => model.apply(op, now));
              const outcome = await store.applyBatch({
                accountId: account.id,
                keyFingerprint: FINGERPRINT,
                ops,
                now,
              });
              expect(outcome).toEqual({ kind: 'applied', results: expected });
            }
            const { seen, cursor } = await drain(store, account.id, device.id, limit);
            const live = [...model.records.values()].sort((x, y) => x.seq - y.seq);
            expect(seen).toEqual(live.map(remote));
            expect(cursor).toBe(live.at(-1)?.seq ?? 0);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}
