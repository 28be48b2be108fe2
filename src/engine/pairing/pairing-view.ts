/**
 * What a pairing shows the person on either device, and the context both sides derive the
 * transcript from. E's own code never leaves the engine: the person must read N's and type it.
 */
import type { Pairing } from '../../protocol';
import type { PairingContext } from '../crypto';
import type { PairingMeta } from '../db/schema';
import { MAX_WRONG_CODES } from './pairing-failure';

export interface PairingView {
  role: 'new' | 'existing';
  id: string;
  /**
   * waiting: for the other device. confirm: N shows `code` for the person to type on E and then
   * confirm on N; E asks for that code. confirmed: this side is done, the other is not yet.
   */
  stage: 'waiting' | 'confirm' | 'confirmed';
  /** N only. E never shows its own code, so the person has to read N's and type it. */
  code: string | null;
  /** E only: wrong codes it still takes before it ends the pairing. */
  triesLeft?: number;
  /** The other device, once known. */
  peer: { name: string; platform: string } | null;
  expiresAt: number;
}

/** A request from a new device that this device could approve. */
export interface PairingRequestView {
  id: string;
  deviceName: string;
  platform: string;
  createdAt: number;
  expiresAt: number;
}

export function viewOf(
  meta: PairingMeta,
  peer: PairingView['peer'],
  expiresAt: number,
): PairingView {
  const done = meta.role === 'new' ? meta.confirmed : meta.entered;
  return {
    role: meta.role,
    id: meta.id,
    stage: !meta.code ? 'waiting' : done ? 'confirmed' : 'confirm',
    code: meta.role === 'new' ? meta.code : null,
    ...(meta.role === 'existing' ? { triesLeft: MAX_WRONG_CODES - (meta.wrongCodes ?? 0) } : {}),
    peer,
    expiresAt,
  };
}

export function contextOf(accountId: string, pairing: Pairing, now: number): PairingContext {
  return {
    accountId,
    pairingId: pairing.id,
    newDeviceId: pairing.requester.device_id,
    existingDeviceId: pairing.approver?.device_id ?? '',
    expiresAt: Date.parse(pairing.expires_at),
    now,
  };
}
