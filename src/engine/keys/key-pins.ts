/**
 * The high-water mark of the key documents this device verified (SECURITY-REVIEW finding 4).
 * It is stored apart from the droppable keys, so that after a revocation, a sign-out or an
 * authentic rotation that left this device out, the next unlock still cannot be steered into an
 * older epoch or into a later document that does not carry the key this device last held.
 */
import { fingerprintOf } from '../crypto';
import { readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { KeyPinsMeta, KeysMeta } from '../db/schema';
import { KeyError } from '../errors';

export async function readPins(db: EngineDatabase, accountId: string): Promise<KeyPinsMeta | null> {
  const pins = await readMeta(db, 'keyPins');
  return pins && pins.accountId === accountId ? pins : null;
}

/**
 * Moves the mark up to `keys` (only ever up, unless `reset`: the person chose to start over).
 * A device holding keys from before the mark existed is pinned to them on its first store.
 */
export async function raisePins(
  db: EngineDatabase,
  keys: Pick<KeysMeta, 'accountId' | 'epoch' | 'fingerprint' | 'authKey' | 'retiredBelow'>,
  rev: number | null,
  reset = false,
  /** The pins as the caller just read them (saves reading them again). */
  known?: KeyPinsMeta | null,
): Promise<void> {
  if (!keys.authKey) return;
  const pins = known !== undefined ? known : await readPins(db, keys.accountId);
  const retiredBelow = Math.max(keys.retiredBelow ?? 0, reset ? 0 : (pins?.retiredBelow ?? 0));
  if (pins && !reset && pins.epoch > keys.epoch) {
    if (retiredBelow > (pins.retiredBelow ?? 0))
      await writeMeta(db, 'keyPins', { ...pins, retiredBelow });
    return;
  }
  await writeMeta(db, 'keyPins', {
    ...(retiredBelow ? { retiredBelow } : {}),
    accountId: keys.accountId,
    epoch: keys.epoch,
    fingerprint: keys.fingerprint,
    authKey: keys.authKey,
    rev: pins && pins.epoch === keys.epoch && rev === null ? pins.rev : rev,
  });
}

function rollback(message: string): KeyError {
  return new KeyError('key_rollback', message);
}

/**
 * Throws `key_rollback` unless `unlocked` (opened with a secret) is the pinned key or a later
 * epoch that carries it forward: its `previous` holds the pinned epoch's master, checked by
 * recomputing the fingerprint from it, since a forger holding an old K_auth can label anything.
 */
export async function checkAgainstPins(
  pins: KeyPinsMeta | null,
  unlocked: KeysMeta,
): Promise<void> {
  if (!pins || pins.accountId !== unlocked.accountId) return;
  if (unlocked.epoch < pins.epoch) {
    throw rollback(
      `The server offered key epoch ${unlocked.epoch}; this device has already verified epoch ${pins.epoch}`,
    );
  }
  if (unlocked.epoch === pins.epoch) {
    if (unlocked.fingerprint === pins.fingerprint) return;
    throw rollback(
      `The server offered another key for epoch ${pins.epoch} than this device verified`,
    );
  }
  const carried = (unlocked.previous ?? []).find((earlier) => earlier.epoch === pins.epoch);
  if (
    carried &&
    carried.fingerprint === pins.fingerprint &&
    (await fingerprintOf(carried.master, unlocked.accountId, carried.epoch)) === pins.fingerprint
  ) {
    return;
  }
  throw rollback(
    `The server offered key epoch ${unlocked.epoch}, which does not carry forward the epoch ${pins.epoch} key this device verified`,
  );
}
