import type { BatchOp, BatchResult } from '../../../protocol';
import type { Db } from '../db';
import { AccountNotFoundError } from '../errors';
import type { BatchOutcome } from '../types';
import { RECORD_COLUMNS, type RecordRow, toRemoteRecord } from './record-rows';

interface BatchInput {
  accountId: string;
  keyFingerprint: string;
  ops: BatchOp[];
  now: number;
}

const recordKey = (collection: string, id: string) => `${collection}\u0000${id}`;

export function applyBatch(db: Db, input: BatchInput): Promise<BatchOutcome> {
  return db.transaction(async (tx) => {
    // The account lock and the key check in one round trip: a sync request's cost is mostly
    // round trips to the database.
    const locked = await tx.query<{
      last_seq: number;
      key_fingerprint: string | null;
      epoch: number | null;
    }>(
      `SELECT a.last_seq, k.key_fingerprint, k.epoch
       FROM accounts a LEFT JOIN key_documents k ON k.account_id = a.id
       WHERE a.id = $1 FOR UPDATE OF a`,
      [input.accountId],
    );
    const row = locked.rows[0];
    if (!row) throw new AccountNotFoundError();
    const { last_seq: lastSeq, key_fingerprint: fingerprint, epoch } = row;

    // Checked before any op applies: a device sealing under the wrong key changes nothing.
    if (fingerprint === null || epoch === null) return { kind: 'key_document_missing' };
    if (fingerprint !== input.keyFingerprint) {
      return { kind: 'key_mismatch', currentFingerprint: fingerprint };
    }

    const answered = await loadOpResults(tx, input.accountId, input.ops);
    const records = await loadRecords(tx, input.accountId, input.ops);
    const written = new Map<string, RecordRow>();
    const fresh: BatchResult[] = [];
    const results: BatchResult[] = [];
    let seq = lastSeq;

    for (const op of input.ops) {
      const earlier = answered.get(op.op_id);
      if (earlier) {
        results.push(earlier);
        continue;
      }
      const k = recordKey(op.collection, op.id);
      const current = records.get(k) ?? null;
      let result: BatchResult;
      if (op.base_rev !== (current?.rev ?? null)) {
        result = {
          op_id: op.op_id,
          status: 'conflict',
          current: current ? toRemoteRecord(current) : null,
        };
      } else {
        seq += 1;
        const row: RecordRow = {
          collection: op.collection,
          id: op.id,
          rev: (current?.rev ?? 0) + 1,
          seq,
          deleted: op.deleted,
          payload: op.payload,
          key_epoch: epoch,
          key_fingerprint: fingerprint,
          modified_at: input.now,
        };
        records.set(k, row);
        written.set(k, row);
        result = { op_id: op.op_id, status: 'ok', rev: row.rev, seq };
      }
      answered.set(op.op_id, result);
      fresh.push(result);
      results.push(result);
    }

    if (written.size > 0 || fresh.length > 0 || seq !== lastSeq) {
      await saveBatch(tx, input.accountId, [...written.values()], fresh, seq, input.now);
    }
    return { kind: 'applied', results };
  });
}

async function loadOpResults(
  tx: Db,
  accountId: string,
  ops: BatchOp[],
): Promise<Map<string, BatchResult>> {
  const { rows } = await tx.query<{ op_id: string; result: string }>(
    'SELECT op_id, result FROM op_results WHERE account_id = $1 AND op_id = ANY($2::text[])',
    [accountId, [...new Set(ops.map((op) => op.op_id))]],
  );
  return new Map(rows.map((row) => [row.op_id, JSON.parse(row.result) as BatchResult]));
}

async function loadRecords(
  tx: Db,
  accountId: string,
  ops: BatchOp[],
): Promise<Map<string, RecordRow>> {
  const { rows } = await tx.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM records
     WHERE account_id = $1
       AND (collection, id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [accountId, ops.map((op) => op.collection), ops.map((op) => op.id)],
  );
  return new Map(rows.map((row) => [recordKey(row.collection, row.id), row]));
}

/**
 * Records, op results and the account's sequence in one statement (data-modifying CTEs all run):
 * each record appears once, in its final state.
 */
async function saveBatch(
  tx: Db,
  accountId: string,
  rows: RecordRow[],
  results: BatchResult[],
  seq: number,
  now: number,
): Promise<void> {
  await tx.query(
    `WITH written AS (
       INSERT INTO records (account_id, collection, id, rev, seq, deleted, payload, key_epoch,
         key_fingerprint, modified_at)
       SELECT $1, u.collection, u.id, u.rev, u.seq, u.deleted, u.payload, u.key_epoch,
         u.key_fingerprint, u.modified_at
       FROM unnest($2::text[], $3::text[], $4::integer[], $5::bigint[], $6::boolean[], $7::text[],
         $8::integer[], $9::text[], $10::bigint[])
         AS u(collection, id, rev, seq, deleted, payload, key_epoch, key_fingerprint, modified_at)
       ON CONFLICT (account_id, collection, id) DO UPDATE SET
         rev = excluded.rev, seq = excluded.seq, deleted = excluded.deleted,
         payload = excluded.payload, key_epoch = excluded.key_epoch,
         key_fingerprint = excluded.key_fingerprint, modified_at = excluded.modified_at
       RETURNING 1
     ), answered AS (
       INSERT INTO op_results (account_id, op_id, result, created_at)
       SELECT $1, o.op_id, o.result, $13::bigint
       FROM unnest($11::text[], $12::text[]) AS o(op_id, result)
       RETURNING 1
     )
     UPDATE accounts SET last_seq = $14::bigint WHERE id = $1 AND last_seq <> $14::bigint`,
    [
      accountId,
      rows.map((r) => r.collection),
      rows.map((r) => r.id),
      rows.map((r) => r.rev),
      rows.map((r) => r.seq),
      rows.map((r) => r.deleted),
      rows.map((r) => r.payload),
      rows.map((r) => r.key_epoch),
      rows.map((r) => r.key_fingerprint),
      rows.map((r) => r.modified_at),
      results.map((r) => r.op_id),
      results.map((r) => JSON.stringify(r)),
      now,
      seq,
    ],
  );
}
