import type { BatchOp, BatchResult } from '../../../protocol';
import type { Db } from '../db';
import type { BatchOutcome } from '../types';
import { lockAccount } from './account-lock';
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
    const account = await lockAccount(tx, input.accountId);

    // Checked before any op applies: a device sealing under the wrong key changes nothing.
    const keys = await tx.query<{ key_fingerprint: string; epoch: number }>(
      'SELECT key_fingerprint, epoch FROM key_documents WHERE account_id = $1',
      [input.accountId],
    );
    const key = keys.rows[0];
    if (!key) return { kind: 'key_document_missing' };
    if (key.key_fingerprint !== input.keyFingerprint) {
      return { kind: 'key_mismatch', currentFingerprint: key.key_fingerprint };
    }

    const answered = await loadOpResults(tx, input.accountId, input.ops);
    const records = await loadRecords(tx, input.accountId, input.ops);
    const written = new Map<string, RecordRow>();
    const fresh: BatchResult[] = [];
    const results: BatchResult[] = [];
    let seq = account.lastSeq;

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
          key_epoch: key.epoch,
          key_fingerprint: key.key_fingerprint,
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

    await writeRecords(tx, input.accountId, [...written.values()]);
    await saveOpResults(tx, input.accountId, fresh, input.now);
    if (seq !== account.lastSeq) {
      await tx.query('UPDATE accounts SET last_seq = $2 WHERE id = $1', [input.accountId, seq]);
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

/** One statement for the batch; each record appears once, in its final state. */
async function writeRecords(tx: Db, accountId: string, rows: RecordRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO records (account_id, collection, id, rev, seq, deleted, payload, key_epoch,
       key_fingerprint, modified_at)
     SELECT $1, u.collection, u.id, u.rev, u.seq, u.deleted, u.payload, u.key_epoch,
       u.key_fingerprint, u.modified_at
     FROM unnest($2::text[], $3::text[], $4::integer[], $5::bigint[], $6::boolean[], $7::text[],
       $8::integer[], $9::text[], $10::bigint[])
       AS u(collection, id, rev, seq, deleted, payload, key_epoch, key_fingerprint, modified_at)
     ON CONFLICT (account_id, collection, id) DO UPDATE SET
       rev = excluded.rev, seq = excluded.seq, deleted = excluded.deleted,
       payload = excluded.payload, key_epoch = excluded.key_epoch,
       key_fingerprint = excluded.key_fingerprint, modified_at = excluded.modified_at`,
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
    ],
  );
}

async function saveOpResults(
  tx: Db,
  accountId: string,
  results: BatchResult[],
  now: number,
): Promise<void> {
  if (results.length === 0) return;
  await tx.query(
    `INSERT INTO op_results (account_id, op_id, result, created_at)
     SELECT $1, u.op_id, u.result, $4 FROM unnest($2::text[], $3::text[]) AS u(op_id, result)`,
    [accountId, results.map((r) => r.op_id), results.map((r) => JSON.stringify(r)), now],
  );
}
