/**
 * The admin page's reads and writes over accounts: statistics, disable/enable, deletion (with
 * closed_tokens so the deleted account's devices learn why), the registration setting and the
 * audit log. Each action writes its audit row in the action's own transaction.
 */
import type { AccountSummary, AuditEntry, RegistrationMode, ServerTotals } from '../admin-types';
import type { Db } from '../db';

const REGISTRATION = 'registration';

export async function addAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.query(
    'INSERT INTO admin_audit (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)',
    [entry.at, entry.actor, entry.action, entry.target, entry.detail],
  );
}

export async function listAudit(db: Db, limit: number): Promise<AuditEntry[]> {
  const { rows } = await db.query<AuditEntry>(
    `SELECT at, actor, action, target, detail FROM admin_audit ORDER BY id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...r }));
}

export async function accountSummaries(db: Db): Promise<AccountSummary[]> {
  const { rows } = await db.query<{
    id: string;
    username: string;
    role: 'owner' | 'member';
    created_at: number;
    disabled_at: number | null;
    last_seen_at: number | null;
    devices: number;
    records: number;
    bytes: number;
    key_epoch: number | null;
  }>(
    `SELECT a.id, a.username, a.role, a.created_at, a.disabled_at,
       (SELECT max(d.last_seen_at) FROM devices d WHERE d.account_id = a.id) AS last_seen_at,
       (SELECT count(*) FROM devices d WHERE d.account_id = a.id AND d.revoked_at IS NULL)::int AS devices,
       (SELECT count(*) FROM records r WHERE r.account_id = a.id AND NOT r.deleted)::int AS records,
       (SELECT coalesce(sum(length(r.payload)), 0) FROM records r WHERE r.account_id = a.id)::bigint AS bytes,
       (SELECT k.epoch FROM key_documents k WHERE k.account_id = a.id) AS key_epoch
     FROM accounts a ORDER BY a.created_at, a.username`,
  );
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    role: r.role,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    devices: r.devices,
    records: r.records,
    bytes: Number(r.bytes),
    keyEpoch: r.key_epoch,
    disabledAt: r.disabled_at,
  }));
}

export async function serverTotals(db: Db): Promise<ServerTotals> {
  const { rows } = await db.query<ServerTotals>(
    `SELECT (SELECT count(*) FROM accounts)::int AS accounts,
       (SELECT count(*) FROM devices WHERE revoked_at IS NULL)::int AS devices,
       (SELECT count(*) FROM records WHERE NOT deleted)::int AS records,
       (SELECT coalesce(sum(length(payload)), 0) FROM records)::bigint AS bytes`,
  );
  const row = rows[0];
  return {
    accounts: row?.accounts ?? 0,
    devices: row?.devices ?? 0,
    records: row?.records ?? 0,
    bytes: Number(row?.bytes ?? 0),
  };
}

export function setAccountDisabled(
  db: Db,
  accountId: string,
  disabledAt: number | null,
  audit: AuditEntry,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      'UPDATE accounts SET disabled_at = $2 WHERE id = $1 RETURNING id',
      [accountId, disabledAt],
    );
    if (rows.length === 0) return false;
    await addAudit(tx, audit);
    return true;
  });
}

export function deleteAccount(
  db: Db,
  accountId: string,
  closedUntil: number,
  audit: AuditEntry,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Every access and refresh token of its devices, whatever its state: a device presenting
    // any of them is told the account is gone rather than "unknown token".
    await tx.query(
      `INSERT INTO closed_tokens (token_hash, reason, expires_at)
       SELECT t.token_hash, 'account_deleted', $2 FROM tokens t
       JOIN devices d ON d.id = t.device_id WHERE d.account_id = $1
       ON CONFLICT (token_hash) DO NOTHING`,
      [accountId, closedUntil],
    );
    // Every table naming the account references it ON DELETE CASCADE (invite_uses keeps the
    // username with a null account), so this one statement removes all of its data.
    const { rows } = await tx.query<{ id: string }>(
      'DELETE FROM accounts WHERE id = $1 RETURNING id',
      [accountId],
    );
    if (rows.length === 0) return false;
    await addAudit(tx, audit);
    return true;
  });
}

export async function closedTokenReason(
  db: Db,
  tokenHash: string,
  now: number,
): Promise<'account_deleted' | null> {
  const { rows } = await db.query<{ reason: 'account_deleted' }>(
    'SELECT reason FROM closed_tokens WHERE token_hash = $1 AND expires_at > $2',
    [tokenHash, now],
  );
  return rows[0]?.reason ?? null;
}

export async function accountDisabledAt(
  db: Db,
  accountId: string,
): Promise<number | null | undefined> {
  const { rows } = await db.query<{ disabled_at: number | null }>(
    'SELECT disabled_at FROM accounts WHERE id = $1',
    [accountId],
  );
  return rows[0] ? rows[0].disabled_at : undefined;
}

export async function registrationSetting(db: Db): Promise<RegistrationMode | null> {
  const { rows } = await db.query<{ value: RegistrationMode }>(
    'SELECT value FROM server_settings WHERE name = $1',
    [REGISTRATION],
  );
  return rows[0]?.value ?? null;
}

export function setRegistrationSetting(
  db: Db,
  mode: RegistrationMode,
  audit: AuditEntry,
): Promise<void> {
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO server_settings (name, value) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      [REGISTRATION, mode],
    );
    await addAudit(tx, audit);
  });
}
