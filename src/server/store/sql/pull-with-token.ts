/**
 * The change feed's hot path in one statement: the access token's grant, the account's and the
 * device's state, the count of pairings waiting for the device, and the page of changes, read
 * together (one snapshot, one round trip). Writes follow only when something moved: a token's
 * first use, and the device's cursor when it pulls from a new one. A device polling with nothing
 * new costs one read.
 */
import type { Db } from '../db';
import type { AccessGrant, TokenPull } from '../types';
import { assertPageArguments, pageOutcome } from './changes';
import { OPEN } from './pairings';
import { RECORD_COLUMNS, type RecordRow } from './record-rows';

type Row = {
  g_account_id: string;
  g_device_id: string;
  g_expires_at: number;
  g_used_at: number | null;
  g_disabled_at: number | null;
  g_last_seq: number;
  g_purged_seq: number;
  g_cursor_seq: number | null;
  g_pending_pairings: number;
} & { [K in keyof RecordRow]: RecordRow[K] | null };

export async function pullWithToken(
  db: Db,
  input: { tokenHash: string; now: number; sinceSeq: number; limit: number },
): Promise<TokenPull> {
  const { tokenHash, now, sinceSeq, limit } = input;
  assertPageArguments(sinceSeq, limit);
  // One extra row tells whether there is more without a count. LEFT JOIN LATERAL: a valid grant
  // with no changes is still one row, so "no row" means "no grant".
  const { rows } = await db.query<Row>(
    `WITH g AS (
       SELECT d.account_id AS g_account_id, t.device_id AS g_device_id,
              t.expires_at AS g_expires_at, t.used_at AS g_used_at,
              a.disabled_at AS g_disabled_at, a.last_seq AS g_last_seq,
              a.purged_seq AS g_purged_seq, d.cursor_seq AS g_cursor_seq,
              (SELECT count(*)::int FROM pairings p
               WHERE p.account_id = d.account_id AND p.state IN ${OPEN}
                 AND p.state = 'pending' AND p.expires_at > $2
                 AND p.requester_device_id <> t.device_id) AS g_pending_pairings
       FROM tokens t JOIN devices d ON d.id = t.device_id JOIN accounts a ON a.id = d.account_id
       WHERE t.token_hash = $1 AND t.kind = 'access' AND t.state = 'active'
         AND t.expires_at > $2 AND d.revoked_at IS NULL
     )
     SELECT g.*, r.* FROM g LEFT JOIN LATERAL (
       SELECT ${RECORD_COLUMNS} FROM records
       WHERE account_id = g.g_account_id AND seq > $3
       ORDER BY seq
       LIMIT $4
     ) r ON true`,
    [tokenHash, now, sinceSeq, limit + 1],
  );
  const first = rows[0];
  if (!first) return { kind: 'no_grant' };
  // Only the first use writes: a pair that has been used can no longer be retracted by a retry.
  if (first.g_used_at === null) {
    await db.query('UPDATE tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL', [
      tokenHash,
      now,
    ]);
  }
  const grant: AccessGrant = {
    accountId: first.g_account_id,
    deviceId: first.g_device_id,
    expiresAt: Number(first.g_expires_at),
  };
  if (first.g_disabled_at !== null) {
    grant.accountDisabledAt = Number(first.g_disabled_at);
    return { kind: 'disabled', grant };
  }
  const cursor = first.g_cursor_seq === null ? null : Number(first.g_cursor_seq);
  const records = rows.filter((row) => row.seq !== null) as unknown as RecordRow[];
  const outcome = pageOutcome(records, input, {
    lastSeq: Number(first.g_last_seq),
    purgedSeq: Number(first.g_purged_seq),
    cursorSeq: cursor,
  });
  // The cursor a device pulls from is what it provably holds; tombstones wait for it.
  if (outcome.kind === 'changes' && cursor !== sinceSeq) {
    await db.query('UPDATE devices SET cursor_seq = $2 WHERE id = $1', [grant.deviceId, sinceSeq]);
  }
  return { kind: 'pulled', grant, outcome, pendingPairings: first.g_pending_pairings };
}
