import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type {
  AccessGrant,
  RefreshLifetimes,
  RefreshOutcome,
  RefreshTokenOwner,
  TokenPair,
} from '../types';

/**
 * How long after its rotation a refresh token may be presented again to mean "I never got your
 * answer" (a lost response must not sign a device out), once, provided the pair it was rotated
 * to has never been used. Any other replay is theft: the family is revoked.
 */
export const REFRESH_RETRY_GRACE_MS = 5 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A device that does not refresh for 90 days signs in again, and every device once a year. */
export const DEFAULT_REFRESH_LIFETIMES: RefreshLifetimes = {
  idleMs: 90 * DAY_MS,
  absoluteMs: 365 * DAY_MS,
};

/*
 * Token families: every pair issued to a device at sign-in starts a family; each refresh rotates
 * within it. A refresh row records the access token issued with it, and once rotated, when and
 * into which refresh token, so a retry can be told apart from a replay without guessing by time.
 * Locks are always taken device row first, then token rows, so revocation and rotation running
 * at once cannot deadlock.
 */

async function insertPair(
  db: Db,
  deviceId: string,
  family: { id: string; createdAt: number },
  tokens: TokenPair,
  now: number,
): Promise<void> {
  await db.query(
    `INSERT INTO tokens (token_hash, kind, device_id, family_id, state, expires_at, created_at,
                         family_created_at, access_hash)
     VALUES ($1, 'access', $3, $4, 'active', $5, $6, $7, NULL),
            ($2, 'refresh', $3, $4, 'active', NULL, $6, $7, $1)`,
    [
      tokens.accessHash,
      tokens.refreshHash,
      deviceId,
      family.id,
      tokens.accessExpiresAt,
      now,
      family.createdAt,
    ],
  );
}

export async function issueTokens(
  db: Db,
  deviceId: string,
  tokens: TokenPair,
  now: number,
): Promise<void> {
  await insertPair(db, deviceId, { id: randomUUID(), createdAt: now }, tokens, now);
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
    disabled_at: number | null;
  }>(
    `SELECT d.account_id, t.device_id, t.expires_at, t.used_at, a.disabled_at
     FROM tokens t JOIN devices d ON d.id = t.device_id JOIN accounts a ON a.id = d.account_id
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
  if (!row) return null;
  const grant: AccessGrant = {
    accountId: row.account_id,
    deviceId: row.device_id,
    expiresAt: row.expires_at,
  };
  // Only when set, so a grant of a live account looks as it always did.
  if (row.disabled_at !== null) grant.accountDisabledAt = row.disabled_at;
  return grant;
}

interface RefreshRow {
  family_id: string;
  state: RefreshTokenOwner['state'];
  created_at: number;
  family_created_at: number;
  rotated_at: number | null;
  successor_hash: string | null;
}

export function rotateRefreshToken(
  db: Db,
  refreshHash: string,
  next: TokenPair,
  now: number,
  lifetimes: RefreshLifetimes = DEFAULT_REFRESH_LIFETIMES,
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
    const token = await tx.query<RefreshRow>(
      `SELECT family_id, state, created_at, family_created_at, rotated_at, successor_hash
       FROM tokens WHERE token_hash = $1 FOR UPDATE`,
      [refreshHash],
    );
    const current = token.rows[0];
    if (!current || current.state === 'revoked') return { kind: 'invalid' };
    const family = { id: current.family_id, createdAt: current.family_created_at };
    const rotated = { kind: 'rotated', accountId: owner.account_id, deviceId } as const;
    if (current.state === 'rotated' && (await mayRetry(tx, current, now))) {
      if (now - family.createdAt >= lifetimes.absoluteMs) return { kind: 'expired' };
      // A retry after a lost response: the pair it never received is withdrawn and a new one
      // given; the grace still counts from the rotation, not from this re-issue.
      await withdrawPairOf(tx, current.successor_hash as string);
      await insertPair(tx, deviceId, family, next, now);
      await tx.query('UPDATE tokens SET successor_hash = $2 WHERE token_hash = $1', [
        refreshHash,
        next.refreshHash,
      ]);
      return rotated;
    }
    if (current.state !== 'active') return reused(tx, current.family_id, deviceId, now);
    if (
      now - current.created_at >= lifetimes.idleMs ||
      now - family.createdAt >= lifetimes.absoluteMs
    ) {
      return { kind: 'expired' };
    }
    await tx.query(
      `UPDATE tokens SET state = 'rotated', rotated_at = $2, successor_hash = $3
       WHERE token_hash = $1`,
      [refreshHash, now, next.refreshHash],
    );
    await insertPair(tx, deviceId, family, next, now);
    return rotated;
  });
}

/**
 * Whether a rotated refresh token may be re-issued for: rotated no longer than the grace ago,
 * and the pair it was last answered with still live and never used.
 */
async function mayRetry(tx: Db, token: RefreshRow, now: number): Promise<boolean> {
  if (token.rotated_at === null || token.successor_hash === null) return false;
  // The window is fixed at the rotation: re-issues inside it do not extend it. Each re-issue
  // withdraws the pair before it, and presenting a withdrawn pair is reuse, so a thief racing
  // the device within the window is still found out by whichever of them comes second.
  if (now - token.rotated_at > REFRESH_RETRY_GRACE_MS) return false;
  const { rows } = await tx.query<{ state: string; used_at: number | null }>(
    `SELECT r.state, a.used_at
     FROM tokens r JOIN tokens a ON a.token_hash = r.access_hash
     WHERE r.token_hash = $1`,
    [token.successor_hash],
  );
  const successor = rows[0];
  return successor !== undefined && successor.state === 'active' && successor.used_at === null;
}

async function withdrawPairOf(tx: Db, refreshHash: string): Promise<void> {
  await tx.query(
    `UPDATE tokens SET state = 'withdrawn'
     WHERE token_hash = $1
        OR token_hash = (SELECT access_hash FROM tokens WHERE token_hash = $1)`,
    [refreshHash],
  );
}

/** Someone replayed a spent refresh token: whoever holds the family now is not trusted. */
async function reused(
  tx: Db,
  familyId: string,
  deviceId: string,
  now: number,
): Promise<RefreshOutcome> {
  await tx.query(`UPDATE tokens SET state = 'revoked' WHERE family_id = $1`, [familyId]);
  await tx.query('UPDATE devices SET compromised_at = coalesce(compromised_at, $2) WHERE id = $1', [
    deviceId,
    now,
  ]);
  return { kind: 'reused' };
}

export async function refreshTokenOwner(
  db: Db,
  refreshHash: string,
): Promise<RefreshTokenOwner | null> {
  const { rows } = await db.query<{
    account_id: string;
    device_id: string;
    family_id: string;
    state: RefreshTokenOwner['state'];
  }>(
    `SELECT d.account_id, t.device_id, t.family_id, t.state
     FROM tokens t JOIN devices d ON d.id = t.device_id
     WHERE t.token_hash = $1 AND t.kind = 'refresh'`,
    [refreshHash],
  );
  const row = rows[0];
  return row
    ? {
        accountId: row.account_id,
        deviceId: row.device_id,
        familyId: row.family_id,
        state: row.state,
      }
    : null;
}

export function revokeDeviceTokens(db: Db, deviceId: string, _now: number): Promise<void> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT id FROM devices WHERE id = $1 FOR UPDATE', [deviceId]);
    await tx.query(`UPDATE tokens SET state = 'revoked' WHERE device_id = $1`, [deviceId]);
  });
}
