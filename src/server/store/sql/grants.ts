import type { Db } from '../db';
import { UserCodeInUseError } from '../errors';
import type { DeviceAuthorization, DeviceAuthorizationStatus, PollOutcome } from '../types';

/** RFC 8628 §3.5: a client told to slow down adds 5 seconds to its polling interval. */
const SLOW_DOWN_STEP_S = 5;

interface GrantRow {
  device_code_hash: string;
  user_code: string;
  client_id: string;
  device_name: string;
  device_platform: string;
  requester_ip: string;
  status: DeviceAuthorizationStatus;
  account_id: string | null;
  interval_s: number;
  created_at: number;
  expires_at: number;
  last_polled_at: number | null;
}

const COLUMNS = `device_code_hash, user_code, client_id, device_name, device_platform,
  requester_ip, status, account_id, interval_s, created_at, expires_at, last_polled_at`;

function toAuthorization(row: GrantRow): DeviceAuthorization {
  return {
    deviceCodeHash: row.device_code_hash,
    userCode: row.user_code,
    clientId: row.client_id,
    deviceName: row.device_name,
    devicePlatform: row.device_platform,
    requesterIp: row.requester_ip,
    status: row.status,
    accountId: row.account_id,
    intervalS: row.interval_s,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastPolledAt: row.last_polled_at,
  };
}

/** Throws UserCodeInUseError when a live authorization holds the user code (retry with another). */
export function createDeviceAuthorization(
  db: Db,
  input: Omit<DeviceAuthorization, 'status' | 'accountId' | 'lastPolledAt'>,
): Promise<void> {
  return db.transaction(async (tx) => {
    // An expired authorization no longer owns its user code: free it for reuse.
    await tx.query('DELETE FROM device_authorizations WHERE user_code = $1 AND expires_at <= $2', [
      input.userCode,
      input.createdAt,
    ]);
    const { rows } = await tx.query(
      `INSERT INTO device_authorizations (device_code_hash, user_code, client_id, device_name,
         device_platform, requester_ip, status, interval_s, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9)
       ON CONFLICT (user_code) DO NOTHING
       RETURNING device_code_hash`,
      [
        input.deviceCodeHash,
        input.userCode,
        input.clientId,
        input.deviceName,
        input.devicePlatform,
        input.requesterIp,
        input.intervalS,
        input.createdAt,
        input.expiresAt,
      ],
    );
    if (rows.length === 0) throw new UserCodeInUseError();
  });
}

/** Any status, as long as it has not expired: the /activate page decides what to show. */
export async function findDeviceAuthorizationByUserCode(
  db: Db,
  userCode: string,
  now: number,
): Promise<DeviceAuthorization | null> {
  const { rows } = await db.query<GrantRow>(
    `SELECT ${COLUMNS} FROM device_authorizations WHERE user_code = $1 AND expires_at > $2`,
    [userCode, now],
  );
  const row = rows[0];
  return row ? toAuthorization(row) : null;
}

export async function decideDeviceAuthorization(
  db: Db,
  input: { userCode: string; decision: 'approved' | 'denied'; accountId: string; now: number },
): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE device_authorizations SET status = $2, account_id = $3
     WHERE user_code = $1 AND status = 'pending' AND expires_at > $4
     RETURNING device_code_hash`,
    [input.userCode, input.decision, input.accountId, input.now],
  );
  return rows.length > 0;
}

export function pollDeviceAuthorization(
  db: Db,
  deviceCodeHash: string,
  now: number,
): Promise<PollOutcome> {
  return db.transaction(async (tx) => {
    // The row lock makes concurrent polls of one code take turns: one consumes, the rest see it.
    const { rows } = await tx.query<GrantRow>(
      `SELECT ${COLUMNS} FROM device_authorizations WHERE device_code_hash = $1 FOR UPDATE`,
      [deviceCodeHash],
    );
    const row = rows[0];
    if (!row) return { kind: 'unknown' };
    if (row.status === 'consumed') return { kind: 'consumed' };
    if (row.expires_at <= now) return { kind: 'expired' };

    const tooSoon = row.last_polled_at !== null && now - row.last_polled_at < row.interval_s * 1000;
    // Only a still-pending grant is throttled: a decided one answers at once (RFC 8628 §3.5).
    if (row.status === 'pending' && tooSoon) {
      const intervalS = row.interval_s + SLOW_DOWN_STEP_S;
      await tx.query(
        `UPDATE device_authorizations SET interval_s = $2, last_polled_at = $3
         WHERE device_code_hash = $1`,
        [deviceCodeHash, intervalS, now],
      );
      return { kind: 'slow_down', intervalS };
    }
    const nextStatus = row.status === 'approved' ? 'consumed' : row.status;
    await tx.query(
      `UPDATE device_authorizations SET status = $2, last_polled_at = $3
       WHERE device_code_hash = $1`,
      [deviceCodeHash, nextStatus, now],
    );
    switch (row.status) {
      case 'pending':
        return { kind: 'pending' };
      case 'denied':
        return { kind: 'denied' };
      case 'approved':
        return {
          kind: 'approved',
          authorization: toAuthorization({ ...row, status: 'consumed', last_polled_at: now }),
        };
    }
  });
}
