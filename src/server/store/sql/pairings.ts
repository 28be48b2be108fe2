import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type {
  CreatePairingOutcome,
  PairingRow,
  PairingStep,
  PairingStepOutcome,
  StoredPairingState,
} from '../types';
import { lockAccount } from './account-lock';

/** Pairings are kept this long after they expire, so a late GET still sees how one ended. */
export const PAIRING_RETENTION_MS = 60 * 60 * 1000;

/** The states a step may still apply to; the partial index pairings_open covers exactly these. */
export const OPEN = `('pending', 'offered', 'revealed', 'approved')`;

interface PairingDbRow {
  id: string;
  account_id: string;
  state: StoredPairingState;
  curve: string;
  commitment: string;
  requester_device_id: string;
  requester_name: string;
  requester_platform: string;
  approver_device_id: string | null;
  approver_name: string | null;
  approver_platform: string | null;
  offer_public_key: string | null;
  offer_nonce: string | null;
  reveal_public_key: string | null;
  reveal_nonce: string | null;
  reveal_confirmation: string | null;
  confirmation: string | null;
  bundle: string | null;
  created_at: number;
  expires_at: number;
  updated_at: number;
}

/** Selects a pairing with its devices' names from `source` (the table, or a CTE over it). */
function selectFrom(source: string): string {
  return `SELECT p.id, p.account_id, p.state, p.curve, p.commitment,
      p.requester_device_id, r.name AS requester_name, r.platform AS requester_platform,
      p.approver_device_id, a.name AS approver_name, a.platform AS approver_platform,
      p.offer_public_key, p.offer_nonce, p.reveal_public_key, p.reveal_nonce,
      p.reveal_confirmation, p.confirmation, p.bundle, p.created_at, p.expires_at, p.updated_at
    FROM ${source} p
    JOIN devices r ON r.id = p.requester_device_id
    LEFT JOIN devices a ON a.id = p.approver_device_id`;
}

function toPairing(row: PairingDbRow): PairingRow {
  return {
    id: row.id,
    accountId: row.account_id,
    state: row.state,
    curve: row.curve,
    commitment: row.commitment,
    requester: {
      deviceId: row.requester_device_id,
      name: row.requester_name,
      platform: row.requester_platform,
    },
    approver:
      row.approver_device_id === null
        ? null
        : {
            deviceId: row.approver_device_id,
            name: row.approver_name ?? '',
            platform: row.approver_platform ?? '',
          },
    offer:
      row.offer_public_key === null || row.offer_nonce === null
        ? null
        : { publicKey: row.offer_public_key, nonce: row.offer_nonce },
    reveal:
      row.reveal_public_key === null ||
      row.reveal_nonce === null ||
      row.reveal_confirmation === null
        ? null
        : {
            publicKey: row.reveal_public_key,
            nonce: row.reveal_nonce,
            confirmation: row.reveal_confirmation,
          },
    confirmation: row.confirmation,
    bundle: row.bundle,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
  };
}

export function createPairing(
  db: Db,
  input: {
    accountId: string;
    deviceId: string;
    curve: string;
    commitment: string;
    ttlMs: number;
    maxOpen: number;
    now: number;
  },
): Promise<CreatePairingOutcome> {
  const { accountId, deviceId, now } = input;
  return db.transaction(async (tx) => {
    // The account's lock makes "count the open ones, then insert" one step for every process.
    await lockAccount(tx, accountId);
    const others = await tx.query<{ expires_at: number }>(
      `SELECT expires_at FROM pairings
       WHERE account_id = $1 AND state IN ${OPEN} AND expires_at > $2
         AND requester_device_id <> $3
       ORDER BY expires_at`,
      [accountId, now, deviceId],
    );
    if (others.rows.length >= input.maxOpen) {
      const first = others.rows[0]?.expires_at ?? now;
      return { kind: 'too_many', retryAfterS: Math.max(1, Math.ceil((first - now) / 1000)) };
    }
    // A device needs one request in flight: a new one supersedes its earlier ones.
    const superseded = await tx.query(
      `UPDATE pairings SET state = 'denied', bundle = NULL, updated_at = $3
       WHERE account_id = $1 AND requester_device_id = $2 AND state IN ${OPEN}
       RETURNING id`,
      [accountId, deviceId, now],
    );
    const { rows } = await tx.query<PairingDbRow>(
      `WITH p AS (
         INSERT INTO pairings (id, account_id, state, curve, commitment, requester_device_id,
                               created_at, expires_at, updated_at)
         VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $6)
         RETURNING *
       ) ${selectFrom('p')}`,
      [randomUUID(), accountId, input.curve, input.commitment, deviceId, now, now + input.ttlMs],
    );
    return {
      kind: 'created',
      pairing: toPairing(rows[0] as PairingDbRow),
      superseded: superseded.rows.length,
    };
  });
}

export async function listOpenPairings(
  db: Db,
  accountId: string,
  now: number,
): Promise<PairingRow[]> {
  const { rows } = await db.query<PairingDbRow>(
    `${selectFrom('pairings')}
     WHERE p.account_id = $1 AND p.state IN ${OPEN} AND p.expires_at > $2
     ORDER BY p.created_at DESC, p.id DESC`,
    [accountId, now],
  );
  return rows.map(toPairing);
}

export async function getPairing(
  db: Db,
  accountId: string,
  pairingId: string,
): Promise<PairingRow | null> {
  const { rows } = await db.query<PairingDbRow>(
    `${selectFrom('pairings')} WHERE p.id = $1 AND p.account_id = $2`,
    [pairingId, accountId],
  );
  const row = rows[0];
  return row ? toPairing(row) : null;
}

/**
 * Each step as one UPDATE whose WHERE is the whole precondition (state, device, not expired):
 * a compare-and-set, so of two devices racing for the same step exactly one matches the row.
 * $1 id, $2 account, $3 device, $4 now; the step's own values follow.
 */
function stepUpdate(step: PairingStep): { set: string; where: string; params: unknown[] } {
  switch (step.kind) {
    case 'offer':
      return {
        set: `state = 'offered', approver_device_id = $3, offer_public_key = $5, offer_nonce = $6`,
        where: `state = 'pending' AND requester_device_id <> $3`,
        params: [step.publicKey, step.nonce],
      };
    case 'reveal':
      return {
        set: `state = 'revealed', reveal_public_key = $5, reveal_nonce = $6,
              reveal_confirmation = $7`,
        where: `state = 'offered' AND requester_device_id = $3`,
        params: [step.publicKey, step.nonce, step.confirmation],
      };
    case 'confirm':
      return {
        set: 'confirmation = $5',
        where: `state = 'revealed' AND requester_device_id = $3 AND confirmation IS NULL`,
        params: [step.confirmation],
      };
    case 'approve':
      return {
        set: `state = 'approved', bundle = $5`,
        where: `state = 'revealed' AND approver_device_id = $3`,
        params: [step.bundle],
      };
    case 'complete':
      return {
        set: `state = 'completed', bundle = NULL`,
        where: `state = 'approved' AND requester_device_id = $3`,
        params: [],
      };
    case 'deny':
      // Any device of the account may deny: $3 takes part in no condition (cast so it is typed).
      return {
        set: `state = 'denied', bundle = NULL`,
        where: `state IN ${OPEN} AND $3::text IS NOT NULL`,
        params: [],
      };
  }
}

export async function advancePairing(
  db: Db,
  input: {
    accountId: string;
    pairingId: string;
    deviceId: string;
    step: PairingStep;
    now: number;
  },
): Promise<PairingStepOutcome> {
  const { set, where, params } = stepUpdate(input.step);
  const { rows } = await db.query<PairingDbRow>(
    `WITH p AS (
       UPDATE pairings SET ${set}, updated_at = $4
       WHERE id = $1 AND account_id = $2 AND expires_at > $4 AND ${where}
       RETURNING *
     ) ${selectFrom('p')}`,
    [input.pairingId, input.accountId, input.deviceId, input.now, ...params],
  );
  const advanced = rows[0];
  if (advanced) return { kind: 'advanced', pairing: toPairing(advanced) };
  // Refused: read the row only to say why. Nothing was written.
  const current = await getPairing(db, input.accountId, input.pairingId);
  if (!current) return { kind: 'not_found' };
  const final = current.state === 'completed' || current.state === 'denied';
  if (!final && current.expiresAt <= input.now) return { kind: 'expired', pairing: current };
  return { kind: 'refused', pairing: current };
}

export async function countPendingPairings(
  db: Db,
  accountId: string,
  deviceId: string,
  now: number,
): Promise<number> {
  // `state IN OPEN` repeats the partial index's predicate so the planner always uses it.
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pairings
     WHERE account_id = $1 AND state IN ${OPEN} AND state = 'pending' AND expires_at > $2
       AND requester_device_id <> $3`,
    [accountId, now, deviceId],
  );
  return rows[0]?.n ?? 0;
}

/** Denies the open pairings a device requested or approves (it is being revoked). */
export async function denyPairingsOfDevice(
  tx: Db,
  accountId: string,
  deviceId: string,
  now: number,
): Promise<number> {
  const { rows } = await tx.query(
    `UPDATE pairings SET state = 'denied', bundle = NULL, updated_at = $3
     WHERE account_id = $1 AND state IN ${OPEN}
       AND (requester_device_id = $2 OR approver_device_id = $2)
     RETURNING id`,
    [accountId, deviceId, now],
  );
  return rows.length;
}

/**
 * Housekeeping: erases the bundle of every expired pairing at once (nobody can fetch it any
 * more), and deletes pairings PAIRING_RETENTION_MS after they expired. Returns the deletions.
 */
export async function purgePairings(db: Db, now: number): Promise<number> {
  await db.query(
    'UPDATE pairings SET bundle = NULL WHERE expires_at <= $1 AND bundle IS NOT NULL',
    [now],
  );
  const { rows } = await db.query('DELETE FROM pairings WHERE expires_at <= $1 RETURNING id', [
    now - PAIRING_RETENTION_MS,
  ]);
  return rows.length;
}
