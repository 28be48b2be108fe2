/**
 * Invites: a link's token stored as its SHA-256 only, a use counter bumped under the row's lock
 * (so the last use goes to exactly one registration), and a row per use naming the account made.
 */
import type { Db } from '../db';
import type { Account, Invite, InviteRefusal, InviteState, InviteUse, NewInvite } from '../types';
import { insertAccount } from './accounts';

interface InviteRow {
  id: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  max_uses: number;
  use_count: number;
  revoked_at: number | null;
}

const COLUMNS = 'id, created_by, created_at, expires_at, max_uses, use_count, revoked_at';

/** Why an invite cannot be used at `now`, or 'usable'. Revocation wins, then spent, then expiry. */
function stateOf(row: InviteRow, now: number): InviteState {
  if (row.revoked_at !== null) return 'revoked';
  if (row.use_count >= row.max_uses) return 'spent';
  if (row.expires_at <= now) return 'expired';
  return 'usable';
}

function toInvite(row: InviteRow, now: number, uses: InviteUse[]): Invite {
  return {
    id: row.id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    maxUses: row.max_uses,
    useCount: row.use_count,
    revokedAt: row.revoked_at,
    state: stateOf(row, now),
    uses,
  };
}

export async function createInvite(db: Db, input: NewInvite): Promise<Invite> {
  const { rows } = await db.query<InviteRow>(
    `INSERT INTO invites (id, token_hash, created_by, created_at, expires_at, max_uses)
     VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${COLUMNS}`,
    [input.id, input.tokenHash, input.createdBy, input.now, input.expiresAt, input.maxUses],
  );
  const row = rows[0];
  if (!row) throw new Error('INSERT ... RETURNING gave no row');
  return toInvite(row, input.now, []);
}

export async function listInvites(db: Db, now: number): Promise<Invite[]> {
  const { rows } = await db.query<InviteRow>(
    `SELECT ${COLUMNS} FROM invites ORDER BY created_at DESC, id`,
  );
  const { rows: uses } = await db.query<{
    invite_id: string;
    account_id: string | null;
    username: string;
    used_at: number;
  }>('SELECT invite_id, account_id, username, used_at FROM invite_uses ORDER BY used_at, username');
  const byInvite = new Map<string, InviteUse[]>();
  for (const use of uses) {
    const list = byInvite.get(use.invite_id) ?? [];
    list.push({ accountId: use.account_id, username: use.username, usedAt: use.used_at });
    byInvite.set(use.invite_id, list);
  }
  return rows.map((row) => toInvite(row, now, byInvite.get(row.id) ?? []));
}

export async function revokeInvite(db: Db, id: string, now: number): Promise<boolean> {
  const { rows } = await db.query(
    'UPDATE invites SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [id, now],
  );
  return rows.length > 0;
}

export async function inviteState(db: Db, tokenHash: string, now: number): Promise<InviteState> {
  const { rows } = await db.query<InviteRow>(
    `SELECT ${COLUMNS} FROM invites WHERE token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  return row ? stateOf(row, now) : 'unknown';
}

/** Thrown inside the transaction to roll the spent use back when the username is taken. */
class UsernameTaken extends Error {}

export async function registerWithInvite(
  db: Db,
  input: { tokenHash: string; username: string; passwordHash: string; now: number },
): Promise<{ account: Account } | { refused: InviteRefusal | 'taken' }> {
  try {
    return await db.transaction(async (tx) => {
      // The row lock taken here makes a racing registration wait, then re-check use_count.
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE invites SET use_count = use_count + 1
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2
           AND use_count < max_uses
         RETURNING id`,
        [input.tokenHash, input.now],
      );
      const spent = rows[0];
      if (!spent) {
        const state = await inviteState(tx, input.tokenHash, input.now);
        // A use freed in between is not possible (uses only grow): 'usable' here cannot happen.
        return { refused: state === 'usable' ? 'spent' : state };
      }
      const account = await insertAccount(tx, input);
      if (!account) throw new UsernameTaken();
      await tx.query(
        'INSERT INTO invite_uses (invite_id, account_id, username, used_at) VALUES ($1, $2, $3, $4)',
        [spent.id, account.id, account.username, input.now],
      );
      return { account };
    });
  } catch (error) {
    if (error instanceof UsernameTaken) return { refused: 'taken' };
    throw error;
  }
}
