import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type { AccessGrant, RefreshOutcome, TokenPair } from '../types';

/**
 * How long after a rotation the previous refresh token may be presented again to mean "I never
 * got your answer" (a lost response must not sign a device out), provided the pair it was rotated
 * to has never been used. Any other replay is theft: the family is revoked.
 */
const REFRESH_RETRY_GRACE_MS = 5 * 60 * 1000;

/*
 * Token families: every pair issued to a device at sign-in starts a family; each refresh rotates
 * within it. Locks are always taken device row first, then token rows, so revocation and rotation
 * running at once cannot deadlock.
 */

async function insertPair(
  db: Db,
  deviceId: string,
  familyId: string,
  tokens: TokenPair,
  now: number,
): Promise<void> {
  await db.query(
    `INSERT INTO tokens (token_hash, kind, device_id, family_id, state, expires_at, created_at)
     VALUES ($1, 'access', $3, $4, 'active', $5, $6),
            ($2, 'refresh', $3, $4, 'active', NULL, $6)`,
    [tokens.accessHash, tokens.refreshHash, deviceId, familyId, tokens.accessExpiresAt, now],
  );
}

export async function issueTokens(
  db: Db,
  deviceId: string,
  tokens: TokenPair,
  now: number,
): Promise<void> {
  await insertPair(db, deviceId, randomUUID(), tokens, now);
}

export async function findAccessToken(
  db: Db,
  accessHash: string,
  now: number,
): Promise<AccessGrant | null> {
  const { rows } = await db.query<{
    account_id: string;
    device_id: string;
    expires_at: number;
    used_at: number | null;
  }>(
    `SELECT d.account_id, t.device_id, t.expires_at, t.used_at
     FROM tokens t JOIN devices d ON d.id = t.device_id
     WHERE t.token_hash = $1 AND t.kind = 'access' AND t.state = 'active'
       AND t.expires_at > $2 AND d.revoked_at IS NULL`,
    [accessHash, now],
  );
  const row = rows[0];
  // Only the first use writes: a pair that has been used can no longer be retracted by a retry.
  // Bearer auth asks again as of the epoch to tell "expired" from "unknown"; that is not a use.
  if (row && row.used_at === null && now > 0) {
    await db.query('UPDATE tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL', [
      accessHash,
      now,
    ]);
  }
  return row
    ? { accountId: row.account_id, deviceId: row.device_id, expiresAt: row.expires_at }
    : null;
}

export function rotateRefreshToken(
  db: Db,
  refreshHash: string,
  next: TokenPair,
  now: number,
): Promise<RefreshOutcome> {
  return db.transaction(async (tx) => {
    const found = await tx.query<{ device_id: string }>(
      `SELECT device_id FROM tokens WHERE token_hash = $1 AND kind = 'refresh'`,
      [refreshHash],
    );
    const deviceId = found.rows[0]?.device_id;
    if (deviceId === undefined) return { kind: 'invalid' };

    const device = await tx.query<{ account_id: string; revoked_at: number | null }>(
      'SELECT account_id, revoked_at FROM devices WHERE id = $1 FOR UPDATE',
      [deviceId],
    );
    const owner = device.rows[0];
    if (!owner || owner.revoked_at !== null) return { kind: 'invalid' };

    // Re-read under the device lock: a concurrent rotation of the same token has finished by now.
    const token = await tx.query<{ family_id: string; state: string }>(
      'SELECT family_id, state FROM tokens WHERE token_hash = $1 FOR UPDATE',
      [refreshHash],
    );
    const current = token.rows[0];
    if (!current || current.state === 'revoked') return { kind: 'invalid' };
    if (current.state === 'rotated') {
      const successor = await unusedSuccessor(tx, current.family_id, refreshHash, now);
      if (successor !== null) {
        // A retry after a lost response: the pair it never received is withdrawn, a new one given.
        await tx.query(
          `UPDATE tokens SET state = 'revoked'
           WHERE family_id = $1 AND state = 'active' AND created_at = $2`,
          [current.family_id, successor],
        );
        await insertPair(tx, deviceId, current.family_id, next, now);
        return { kind: 'rotated', accountId: owner.account_id, deviceId };
      }
      // Someone replayed an old refresh token: whoever holds the family now is not trusted.
      await tx.query(`UPDATE tokens SET state = 'revoked' WHERE family_id = $1`, [
        current.family_id,
      ]);
      return { kind: 'reused' };
    }
    await tx.query(`UPDATE tokens SET state = 'rotated' WHERE token_hash = $1`, [refreshHash]);
    await insertPair(tx, deviceId, current.family_id, next, now);
    return { kind: 'rotated', accountId: owner.account_id, deviceId };
  });
}

/**
 * When `refreshHash` is the family's most recently rotated refresh token, rotated less than the
 * grace period ago into a pair nobody has used, the creation time of that pair; otherwise null.
 */
async function unusedSuccessor(
  tx: Db,
  familyId: string,
  refreshHash: string,
  now: number,
): Promise<number | null> {
  const { rows } = await tx.query<{
    last_rotated: string | null;
    successor_created: number | null;
    successor_used: boolean;
  }>(
    `SELECT
       (SELECT token_hash FROM tokens
        WHERE family_id = $1 AND kind = 'refresh' AND state = 'rotated'
        ORDER BY created_at DESC LIMIT 1) AS last_rotated,
       (SELECT created_at FROM tokens
        WHERE family_id = $1 AND kind = 'refresh' AND state = 'active'
        ORDER BY created_at DESC LIMIT 1) AS successor_created,
       EXISTS (SELECT 1 FROM tokens s
               JOIN tokens r ON r.family_id = s.family_id AND r.kind = 'refresh'
                 AND r.state = 'active' AND r.created_at = s.created_at
               WHERE s.family_id = $1 AND s.kind = 'access' AND s.used_at IS NOT NULL)
         AS successor_used`,
    [familyId],
  );
  const row = rows[0];
  if (!row || row.last_rotated !== refreshHash || row.successor_created === null) return null;
  if (row.successor_used || now - row.successor_created > REFRESH_RETRY_GRACE_MS) return null;
  return row.successor_created;
}

export function revokeDeviceTokens(db: Db, deviceId: string, _now: number): Promise<void> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT id FROM devices WHERE id = $1 FOR UPDATE', [deviceId]);
    await tx.query(`UPDATE tokens SET state = 'revoked' WHERE device_id = $1`, [deviceId]);
  });
}
