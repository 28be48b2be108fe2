import type { Db } from '../db';
import { AccountNotFoundError, DeviceNotFoundError, InvalidStoreArgumentError } from '../errors';
import type { ChangesOutcome } from '../types';
import { RECORD_COLUMNS, type RecordRow, toRemoteRecord } from './record-rows';

/**
 * Whether a cursor may have missed a purged tombstone. Purges only delete tombstones at or below
 * every active device's recorded cursor, so a device moving forward from its own recorded cursor
 * never misses one; neither does since = 0 (a full resync). Only a cursor below purged_seq that
 * the device cannot vouch for — its first pull, or a step back behind its recorded cursor (a
 * restored local database, state carried over from another sign-in) — may have missed one.
 *
 * A blanket `since < purged_seq` rule would be wrong: a resync from 0 paged in small pages would
 * hit it on its second page and loop forever.
 */
export function isExpired(
  sinceSeq: number,
  purgedSeq: number,
  deviceCursor: number | null,
): boolean {
  if (sinceSeq === 0 || sinceSeq >= purgedSeq) return false;
  return deviceCursor === null || sinceSeq < deviceCursor;
}

export function assertPageArguments(sinceSeq: number, limit: number): void {
  if (!Number.isSafeInteger(sinceSeq) || sinceSeq < 0) {
    throw new InvalidStoreArgumentError('sinceSeq must be a non-negative integer');
  }
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new InvalidStoreArgumentError('limit must be a positive integer');
  }
}

/**
 * What a page read with one row more than `limit` says, once the account's state is known: the
 * cursor refused (ahead of last_seq, or behind a purge it cannot vouch for) or the changes.
 * `cursorSeq`: the cursor the device recorded before this pull (null: it never pulled).
 */
export function pageOutcome(
  rows: RecordRow[],
  input: { sinceSeq: number; limit: number },
  state: { lastSeq: number; purgedSeq: number; cursorSeq: number | null },
): ChangesOutcome {
  const { sinceSeq, limit } = input;
  // last_seq never decreases and every cursor handed out is at most last_seq, so a cursor beyond
  // it came from elsewhere (a database restored from a backup, state from another account or
  // server). Taken at its word it would skip every change up to it, silently: refuse it.
  if (sinceSeq > state.lastSeq) return { kind: 'cursor_ahead' };
  if (isExpired(sinceSeq, state.purgedSeq, state.cursorSeq)) return { kind: 'cursor_expired' };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    kind: 'changes',
    changes: page.map(toRemoteRecord),
    cursorSeq: last ? last.seq : sinceSeq,
    hasMore: rows.length > limit,
    lastSeq: state.lastSeq,
  };
}

export async function changesSince(
  db: Db,
  input: { accountId: string; deviceId: string; sinceSeq: number; limit: number },
): Promise<ChangesOutcome> {
  const { accountId, deviceId, sinceSeq, limit } = input;
  assertPageArguments(sinceSeq, limit);

  // One extra row tells whether there is more without a count.
  const { rows } = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM records
     WHERE account_id = $1 AND seq > $2
     ORDER BY seq
     LIMIT $3`,
    [accountId, sinceSeq, limit + 1],
  );

  // Read purged_seq after the page, not before: a purge commits its deletions and purged_seq
  // together, so if the page above missed a purged tombstone, this read sees why.
  const state = await db.query<{
    last_seq: number;
    purged_seq: number;
    device_id: string | null;
    cursor_seq: number | null;
  }>(
    `SELECT a.last_seq, a.purged_seq, d.id AS device_id, d.cursor_seq
     FROM accounts a LEFT JOIN devices d ON d.id = $2 AND d.account_id = a.id
     WHERE a.id = $1`,
    [accountId, deviceId],
  );
  const found = state.rows[0];
  if (!found) throw new AccountNotFoundError();
  if (found.device_id === null) throw new DeviceNotFoundError();
  const outcome = pageOutcome(rows, input, {
    lastSeq: Number(found.last_seq),
    purgedSeq: found.purged_seq,
    cursorSeq: found.cursor_seq,
  });
  // The cursor a device pulls from is what it provably holds; tombstones wait for it.
  if (outcome.kind === 'changes')
    await db.query('UPDATE devices SET cursor_seq = $2 WHERE id = $1', [deviceId, sinceSeq]);
  return outcome;
}
