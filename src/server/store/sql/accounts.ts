import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type { Account, Role } from '../types';

/** Serialises account creation so "first account is the owner" is decided exactly once. */
const ACCOUNT_CREATION_LOCK_KEY = 7_361_420_020;

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  created_at: number;
  disabled_at: number | null;
}

const COLUMNS = 'id, username, password_hash, role, created_at, disabled_at';

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

export async function countAccounts(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM accounts');
  return rows[0]?.n ?? 0;
}

export function createAccount(
  db: Db,
  input: { username: string; passwordHash: string; now: number },
): Promise<Account | null> {
  return db.transaction((tx) => insertAccount(tx, input));
}

/**
 * Inserts an account inside the caller's transaction; null when the username is taken. The
 * first account ever is the owner.
 */
export async function insertAccount(
  tx: Db,
  input: { username: string; passwordHash: string; now: number },
): Promise<Account | null> {
  // Two simultaneous first sign-ups (even in two processes) queue here, so only one sees an
  // empty table; the single-owner unique index is the backstop.
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [ACCOUNT_CREATION_LOCK_KEY]);
  const { rows } = await tx.query<AccountRow>(
    `INSERT INTO accounts (id, username, password_hash, role, created_at)
     SELECT $1, $2, $3,
            CASE WHEN EXISTS (SELECT 1 FROM accounts) THEN 'member' ELSE 'owner' END, $4
     ON CONFLICT ((lower(username))) DO NOTHING
     RETURNING ${COLUMNS}`,
    [randomUUID(), input.username, input.passwordHash, input.now],
  );
  const row = rows[0];
  return row ? toAccount(row) : null;
}

export async function setPasswordHash(
  db: Db,
  accountId: string,
  passwordHash: string,
): Promise<void> {
  await db.query('UPDATE accounts SET password_hash = $2 WHERE id = $1', [accountId, passwordHash]);
}

export async function findAccountByUsername(db: Db, username: string): Promise<Account | null> {
  const { rows } = await db.query<AccountRow>(
    `SELECT ${COLUMNS} FROM accounts WHERE lower(username) = lower($1)`,
    [username],
  );
  const row = rows[0];
  return row ? toAccount(row) : null;
}

export async function findAccountById(db: Db, id: string): Promise<Account | null> {
  const { rows } = await db.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [
    id,
  ]);
  return rows[0] ? toAccount(rows[0]) : null;
}
