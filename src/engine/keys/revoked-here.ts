/**
 * The devices revoked from this device. The server's word that a device is gone (or still there)
 * decides nothing about who gets the next epoch: every later rotation made here leaves these out
 * of the new document, even when a server that colludes with a stolen device keeps listing it as
 * live and a plain "Rotate key now" follows the revoke.
 */
import { readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';

/** Enough for any real account; the oldest are forgotten first (a revoked id never comes back). */
const MAX_REMEMBERED = 256;

export async function revokedHere(db: EngineDatabase, accountId: string): Promise<string[]> {
  const kept = await readMeta(db, 'revokedHere');
  return kept && kept.accountId === accountId ? [...kept.ids] : [];
}

/** Noted before the server hears of it, so a revoke whose answer is lost still counts. */
export async function noteRevoked(
  db: EngineDatabase,
  accountId: string,
  ids: readonly string[],
): Promise<void> {
  const known = await revokedHere(db, accountId);
  const all = [...known.filter((id) => !ids.includes(id)), ...ids].slice(-MAX_REMEMBERED);
  await writeMeta(db, 'revokedHere', { accountId, ids: all });
}
