import type { Db } from '../db';
import type { Session } from '../types';

export async function createSession(
  db: Db,
  input: { tokenHash: string; accountId: string; csrfToken: string; expiresAt: number },
): Promise<void> {
  await db.query(
    'INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)',
    [input.tokenHash, input.accountId, input.csrfToken, input.expiresAt],
  );
}

export async function findSession(db: Db, tokenHash: string, now: number): Promise<Session | null> {
  const { rows } = await db.query<{ account_id: string; csrf_token: string; expires_at: number }>(
    'SELECT account_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2',
    [tokenHash, now],
  );
  const row = rows[0];
  return row
    ? { accountId: row.account_id, csrfToken: row.csrf_token, expiresAt: row.expires_at }
    : null;
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}
