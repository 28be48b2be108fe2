import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type { DeviceRow } from '../types';
import { denyPairingsOfDevice } from './pairings';

interface DeviceDbRow {
  id: string;
  account_id: string;
  name: string;
  platform: string;
  client_id: string;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
  cursor_seq: number | null;
}

const COLUMNS =
  'id, account_id, name, platform, client_id, created_at, last_seen_at, revoked_at, cursor_seq';

function toDevice(row: DeviceDbRow): DeviceRow {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    platform: row.platform,
    clientId: row.client_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    cursorSeq: row.cursor_seq ?? 0,
    hasPulled: row.cursor_seq !== null,
  };
}

export async function createDevice(
  db: Db,
  input: { accountId: string; name: string; platform: string; clientId: string; now: number },
): Promise<DeviceRow> {
  const { rows } = await db.query<DeviceDbRow>(
    `INSERT INTO devices (id, account_id, name, platform, client_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${COLUMNS}`,
    [randomUUID(), input.accountId, input.name, input.platform, input.clientId, input.now],
  );
  return toDevice(rows[0] as DeviceDbRow);
}

/**
 * Live devices, oldest first: not revoked, and not flagged compromised by a refresh-token reuse
 * (so a key rotation, which seals to the devices listed, leaves such a device out).
 */
export async function listDevices(db: Db, accountId: string): Promise<DeviceRow[]> {
  const { rows } = await db.query<DeviceDbRow>(
    `SELECT ${COLUMNS} FROM devices
     WHERE account_id = $1 AND revoked_at IS NULL AND compromised_at IS NULL
     ORDER BY created_at, id`,
    [accountId],
  );
  return rows.map(toDevice);
}

export async function renameDevice(
  db: Db,
  accountId: string,
  deviceId: string,
  name: string,
): Promise<DeviceRow | null> {
  const { rows } = await db.query<DeviceDbRow>(
    `UPDATE devices SET name = $3
     WHERE id = $2 AND account_id = $1 AND revoked_at IS NULL
     RETURNING ${COLUMNS}`,
    [accountId, deviceId, name],
  );
  const row = rows[0];
  return row ? toDevice(row) : null;
}

export function revokeDevice(
  db: Db,
  accountId: string,
  deviceId: string,
  now: number,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `UPDATE devices SET revoked_at = $3
       WHERE id = $2 AND account_id = $1 AND revoked_at IS NULL
       RETURNING id`,
      [accountId, deviceId, now],
    );
    if (rows.length === 0) return false;
    await tx.query(`UPDATE tokens SET state = 'revoked' WHERE device_id = $1`, [deviceId]);
    await denyPairingsOfDevice(tx, accountId, deviceId, now);
    return true;
  });
}

export async function touchDevice(db: Db, deviceId: string, now: number): Promise<void> {
  // GREATEST: a slow request finishing late must not move last-seen backwards.
  await db.query(
    'UPDATE devices SET last_seen_at = GREATEST(coalesce(last_seen_at, 0), $2) WHERE id = $1',
    [deviceId, now],
  );
}
