import type { Db } from '../db';
import type { PurgeExpiredCounts } from '../types';
import { purgePairings } from './pairings';

/** op_id answers are kept at least this long, so a retry within a day is still idempotent. */
export const OP_RESULT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Deletes rows nothing can use any more. Safe to run from every process at any time. */
export async function purgeExpired(db: Db, now: number): Promise<PurgeExpiredCounts> {
  const count = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows.length;
  return {
    opResults: await count('DELETE FROM op_results WHERE created_at < $1 RETURNING op_id', [
      now - OP_RESULT_RETENTION_MS,
    ]),
    sessions: await count('DELETE FROM sessions WHERE expires_at <= $1 RETURNING account_id', [
      now,
    ]),
    deviceAuthorizations: await count(
      'DELETE FROM device_authorizations WHERE expires_at <= $1 RETURNING user_code',
      [now],
    ),
    // An invite that created accounts stays: it is the record of who came in by it.
    invites: await count(
      'DELETE FROM invites WHERE expires_at <= $1 AND use_count = 0 RETURNING id',
      [now],
    ),
    rateLimits: await count('DELETE FROM rate_limits WHERE resets_at <= $1 RETURNING hits', [now]),
    pairings: await purgePairings(db, now),
  };
}
