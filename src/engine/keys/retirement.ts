/**
 * The last step of a rotation: retiring the earlier epochs, so that whoever still holds an old
 * master (a revoked device, a copy of its storage) can no longer write records every device
 * accepts. It runs after a sync run once the records this device holds all went out under the
 * new key (rotation.ts queues them), and first reseals from the server's copy what this device
 * does not hold: records of collections switched off here, and any the feed holds that it never
 * applied, or set aside because this build does not know its collection or would refuse its
 * data. Then the key document says `retiredBelow` (under its mac), and every device refuses
 * records still sealed under an older epoch. A record that does not open is left as it is: it
 * was unreadable already, and retirement refuses it for good.
 */
import type { BatchOp, Limits } from '../../protocol';
import type { Session } from '../auth/session';
import type { Logger } from '../context';
import { retireKeyDocumentEpochs } from '../crypto';
import { deleteMeta, readMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import { KeyError, RecordError } from '../errors';
import { randomId } from '../ids';
import type { RecordCipher } from '../sync/cipher';
import { fetchChanges } from '../sync/fetch-changes';
import { batches } from '../sync/push';
import type { ServerApi } from '../transport/api';
import type { KeyOptions } from './account-key';

export interface RetirementDeps {
  db: EngineDatabase;
  api: ServerApi;
  session: Session;
  log: Logger;
  options: KeyOptions;
  /** Whether this device syncs the collection (its reseals go out with ordinary pushes). */
  syncs(collection: string): boolean;
  /** Takes up the retirement this device wrote, as a verified document's would be. */
  retired(below: number, rev: number): Promise<void>;
  /** The server took one of this device's writes at this sequence (no pull back for its poke). */
  wrote?(seq: number): void;
}

export interface RetirementOutcome {
  /** Records resealed here from the server's copy. */
  resealed: number;
  /** Records under an earlier epoch that did not open: refused from now on. */
  unreadable: number;
}

/**
 * Retires the epochs below the one this device rotated to, once its reseals went out. Returns
 * null while there is nothing to do yet (no rotation resealing, reseals still queued).
 */
export async function retireEarlierEpochs(
  deps: RetirementDeps,
  cipher: RecordCipher,
  limits: Limits,
): Promise<RetirementOutcome | null> {
  const { db, api, session } = deps;
  const rotation = await readMeta(db, 'rotation');
  if (rotation?.phase !== 'resealing') return null;
  const queued = (await db.getAll('outbox')).some(
    (row) => row.reseal && deps.syncs(row.collection),
  );
  if (queued) return null;
  const keys = await readMeta(db, 'keys');
  if (!keys || keys.epoch !== rotation.epoch || cipher.epoch !== rotation.epoch) {
    // Another rotation came after this one: it retires, from its own epoch.
    await deleteMeta(db, 'rotation');
    return null;
  }
  const outcome = await resealTheRest(deps, cipher, limits);
  const current = await session.withAccess((server, token) => api.getKeys(server, token));
  if (!current || current.key_fingerprint !== keys.fingerprint) {
    throw new KeyError('key_changed', 'The account key changed before its rotation was retired');
  }
  const document = await retireKeyDocumentEpochs(current.key_document, {
    accountId: keys.accountId,
    master: keys.master,
    below: rotation.epoch,
    ...deps.options,
  });
  const write = { key_document: document, key_fingerprint: keys.fingerprint, epoch: keys.epoch };
  const published = await session.withAccess((server, token) =>
    api.replaceKeys(server, token, write, current.rev),
  );
  await deps.retired(rotation.epoch, published.rev);
  await deleteMeta(db, 'rotation');
  deps.log({
    level: 'info',
    event: 'key_epochs_retired',
    below: rotation.epoch,
    resealed: outcome.resealed,
    unreadable: outcome.unreadable,
  });
  return outcome;
}

/**
 * Walks the whole feed and re-uploads, under the current key, every record still sealed under
 * an earlier one, as the server holds it (same content, next revision). A conflict means a
 * device wrote it meanwhile, which the server takes only under the current key: nothing to do.
 */
async function resealTheRest(
  deps: RetirementDeps,
  cipher: RecordCipher,
  limits: Limits,
): Promise<RetirementOutcome> {
  const outcome: RetirementOutcome = { resealed: 0, unreadable: 0 };
  const feed = { api: deps.api, session: deps.session, limits, pairingsNoticed: () => {} };
  let since = '0';
  for (;;) {
    const page = await fetchChanges(feed, since);
    const ops: Array<{ op: BatchOp }> = [];
    for (const remote of page.changes) {
      if (remote.key_epoch >= cipher.epoch) continue;
      // As it is: collections this build does not know and data it would refuse included.
      let payload: string;
      try {
        payload = await cipher.reseal(remote);
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
        outcome.unreadable += 1;
        continue;
      }
      ops.push({
        op: {
          collection: remote.collection,
          id: remote.id,
          base_rev: remote.rev,
          deleted: remote.deleted,
          payload,
          op_id: randomId(12),
        },
      });
    }
    for (const batch of batches(limits, ops)) {
      const reply = await deps.session.withAccess((server, token) =>
        deps.api.batch(
          server,
          token,
          { key_fingerprint: cipher.fingerprint, ops: batch.map((item) => item.op) },
          limits,
        ),
      );
      for (const result of reply.results) {
        if (result.status !== 'ok') continue;
        outcome.resealed += 1;
        deps.wrote?.(result.seq);
      }
    }
    if (!page.has_more) return outcome;
    since = page.cursor;
  }
}
