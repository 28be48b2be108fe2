import type { Db } from '../db';
import type { KeyWriteOutcome, StoredKeyDocument } from '../types';
import { lockAccount } from './account-lock';

interface KeyRow {
  key_document: string;
  key_fingerprint: string;
  epoch: number;
  rev: number;
  updated_at: number;
}

const COLUMNS = 'key_document, key_fingerprint, epoch, rev, updated_at';

function toKeyDocument(row: KeyRow): StoredKeyDocument {
  return {
    keyDocument: row.key_document,
    keyFingerprint: row.key_fingerprint,
    epoch: row.epoch,
    rev: row.rev,
    updatedAt: row.updated_at,
  };
}

export async function getKeyDocument(db: Db, accountId: string): Promise<StoredKeyDocument | null> {
  const { rows } = await db.query<KeyRow>(
    `SELECT ${COLUMNS} FROM key_documents WHERE account_id = $1`,
    [accountId],
  );
  const row = rows[0];
  return row ? toKeyDocument(row) : null;
}

export function putKeyDocument(
  db: Db,
  input: {
    accountId: string;
    ifMatch: number | '*';
    keyDocument: string;
    keyFingerprint: string;
    epoch: number;
    now: number;
  },
): Promise<KeyWriteOutcome> {
  return db.transaction(async (tx) => {
    // Under the account lock, a key change and a record batch never interleave: a batch checks
    // its fingerprint against the key document that is current when it commits.
    await lockAccount(tx, input.accountId);
    const written =
      input.ifMatch === '*'
        ? await tx.query<KeyRow>(
            `INSERT INTO key_documents (account_id, key_document, key_fingerprint, epoch, rev, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5)
             ON CONFLICT (account_id) DO NOTHING
             RETURNING ${COLUMNS}`,
            [input.accountId, input.keyDocument, input.keyFingerprint, input.epoch, input.now],
          )
        : await tx.query<KeyRow>(
            `UPDATE key_documents
             SET key_document = $2, key_fingerprint = $3, epoch = $4, rev = rev + 1, updated_at = $5
             WHERE account_id = $1 AND rev = $6
             RETURNING ${COLUMNS}`,
            [
              input.accountId,
              input.keyDocument,
              input.keyFingerprint,
              input.epoch,
              input.now,
              input.ifMatch,
            ],
          );
    const row = written.rows[0];
    if (row) return { kind: 'written', document: toKeyDocument(row) };
    return { kind: 'precondition_failed', current: await getKeyDocument(tx, input.accountId) };
  });
}
