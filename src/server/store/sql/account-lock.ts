import type { Db } from '../db';
import { AccountNotFoundError } from '../errors';

export interface LockedAccount {
  lastSeq: number;
  purgedSeq: number;
}

/**
 * Takes the account's row lock for the rest of the transaction. Every write to an account's
 * records or key document goes through here first, so sequence numbers are handed out one
 * transaction at a time and a seq is committed before the next one is assigned: a reader paging
 * `seq > cursor` can never pass over a change that commits later.
 */
export async function lockAccount(tx: Db, accountId: string): Promise<LockedAccount> {
  const { rows } = await tx.query<{ last_seq: number; purged_seq: number }>(
    'SELECT last_seq, purged_seq FROM accounts WHERE id = $1 FOR UPDATE',
    [accountId],
  );
  const row = rows[0];
  if (!row) throw new AccountNotFoundError();
  return { lastSeq: row.last_seq, purgedSeq: row.purged_seq };
}
