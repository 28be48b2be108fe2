/** Admin sessions (idle and absolute expiry) and one-time sign-in links, stored hashed. */
import type { AdminSession } from '../admin-types';
import type { Db } from '../db';

export async function createAdminSession(
  db: Db,
  input: AdminSession & { tokenHash: string },
): Promise<void> {
  await db.query(
    `INSERT INTO admin_sessions (token_hash, account_id, csrf_token, created_at, last_used_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      input.tokenHash,
      input.accountId,
      input.csrfToken,
      input.createdAt,
      input.lastUsedAt,
      input.expiresAt,
    ],
  );
}

export async function useAdminSession(
  db: Db,
  tokenHash: string,
  now: number,
  idleMs: number,
): Promise<AdminSession | null> {
  const { rows } = await db.query<{
    account_id: string;
    csrf_token: string;
    created_at: number;
    last_used_at: number;
    expires_at: number;
  }>(
    `UPDATE admin_sessions SET last_used_at = $2
     WHERE token_hash = $1 AND expires_at > $2 AND last_used_at > $2 - $3::bigint
     RETURNING account_id, csrf_token, created_at, last_used_at, expires_at`,
    [tokenHash, now, idleMs],
  );
  const row = rows[0];
  return row
    ? {
        accountId: row.account_id,
        csrfToken: row.csrf_token,
        createdAt: row.created_at,
        lastUsedAt: row.last_used_at,
        expiresAt: row.expires_at,
      }
    : null;
}

export async function deleteAdminSession(db: Db, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM admin_sessions WHERE token_hash = $1', [tokenHash]);
}

export async function createAdminLink(db: Db, tokenHash: string, expiresAt: number): Promise<void> {
  await db.query('INSERT INTO admin_links (token_hash, expires_at) VALUES ($1, $2)', [
    tokenHash,
    expiresAt,
  ]);
}

export async function spendAdminLink(db: Db, tokenHash: string, now: number): Promise<boolean> {
  // DELETE ... RETURNING: of two requests racing with one link, exactly one gets the row.
  const { rows } = await db.query<{ expires_at: number }>(
    'DELETE FROM admin_links WHERE token_hash = $1 RETURNING expires_at',
    [tokenHash],
  );
  const row = rows[0];
  return row !== undefined && row.expires_at > now;
}
