import type { Db } from '../db';
import { lockAccount } from './account-lock';

/** Purges old tombstones account by account, each under its account lock. */
export async function purgeTombstones(db: Db, olderThan: number): Promise<number> {
  const { rows } = await db.query<{ account_id: string }>(
    'SELECT DISTINCT account_id FROM records WHERE deleted AND modified_at < $1',
    [olderThan],
  );
  let purged = 0;
  for (const { account_id } of rows) purged += await purgeAccount(db, account_id, olderThan);
  return purged;
}

function purgeAccount(db: Db, accountId: string, olderThan: number): Promise<number> {
  return db.transaction(async (tx) => {
    // Same lock order as writers (account first, then records): no deadlock with applyBatch.
    await lockAccount(tx, accountId);
    // min() skips devices that never pulled (NULL cursor): they hold no state a tombstone could
    // fix, and their first pull below purged_seq is refused (see changes.ts). With no such
    // cursor at all, nothing is waiting for these tombstones. A device flagged compromised is
    // not waited for either.
    const { rows } = await tx.query<{ seq: number }>(
      `DELETE FROM records
       WHERE account_id = $1 AND deleted AND modified_at < $2
         AND seq <= coalesce(
           (SELECT min(cursor_seq) FROM devices
            WHERE account_id = $1 AND revoked_at IS NULL AND compromised_at IS NULL),
           seq)
       RETURNING seq`,
      [accountId, olderThan],
    );
    if (rows.length === 0) return 0;
    const highest = Math.max(...rows.map((row) => row.seq));
    await tx.query('UPDATE accounts SET purged_seq = GREATEST(purged_seq, $2) WHERE id = $1', [
      accountId,
      highest,
    ]);
    return rows.length;
  });
}
