import type { Db } from '../db';
import type { LiveEvent } from '../types';

/** The one channel every process LISTENs on; see docs/PROTOCOL.md "Live stream". */
export const LIVE_CHANNEL = 'satchel_live';

/**
 * Sent after the write committed (a NOTIFY inside the transaction would be delivered at commit
 * too, but a failed notify must not roll back a write the client was already told about).
 * The payload is ids and a number only, far below NOTIFY's 8000-byte limit.
 */
export async function notifyLive(db: Db, event: LiveEvent): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, JSON.stringify(event)]);
}

export async function accountSeq(db: Db, accountId: string): Promise<number> {
  const { rows } = await db.query<{ last_seq: number }>(
    'SELECT last_seq FROM accounts WHERE id = $1',
    [accountId],
  );
  return rows[0]?.last_seq ?? 0;
}

/** The account a device belongs to (revoked or not), for notifies that know only the device. */
export async function deviceAccount(db: Db, deviceId: string): Promise<string | null> {
  const { rows } = await db.query<{ account_id: string }>(
    'SELECT account_id FROM devices WHERE id = $1',
    [deviceId],
  );
  return rows[0]?.account_id ?? null;
}
