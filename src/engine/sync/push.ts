/**
 * Push: send the outbox in batches of compare-and-set ops (base revision + op id). An `ok`
 * becomes the record's new base; a `conflict` brings the server's current version, which is
 * merged like a pulled change and, if something is left to send, queued again under a new op id.
 * An op whose response was lost is resent with the same op id, and the server answers it as
 * before without applying it twice.
 */
import type { BatchOp, BatchResult, Limits, RemoteRecord } from '../../protocol';
import type { CollectionName } from '../collections';
import type { OutboxRow, RecordRow } from '../db/schema';
import { readRows, rowStore } from '../db/sealed-rows';
import { RECORD_STORES } from '../db/tx';
import { ServerError } from '../errors';
import { randomId } from '../ids';
import { abortQuietly } from '../records/commit-local';
import { noteReplaced, type ReplacedEdit } from '../records/replaced';
import { applyRemote } from './apply-remote';
import { type BulkDeleteDecision, countByCollection, exceedsBulkDeleteGuard } from './bulk-delete';
import type { SealedState } from './cipher';
import type { SyncDeps } from './deps';
import { openRemote, type PageItem } from './open-page';
import { quarantineRowFor } from './quarantine-retry';

export interface PushOptions {
  /** The person answered the guard for this run. */
  bulkDelete?: 'delete' | 'keep';
}

export interface PushResult {
  pushed: number;
  conflicts: number;
  quarantined: number;
  /** Ops not sent because their sealed record exceeds the server's payload limit. */
  tooLarge: number;
  paused: BulkDeleteDecision | null;
}

/** Rounds of push per run: a conflict merged in one round is sent in the next. */
const MAX_ROUNDS = 4;

interface Prepared {
  entry: OutboxRow;
  op: BatchOp;
  sent: SealedState;
}

async function pendingEntries(
  deps: SyncDeps,
): Promise<Array<{ entry: OutboxRow; row: RecordRow | undefined }>> {
  const tx = deps.ctx.db.transaction(['outbox', 'records']);
  const entries = (await tx.objectStore('outbox').getAll())
    .filter((entry) => !entry.held && deps.ctx.settings.collections[entry.collection])
    .sort((a, b) => a.queuedAt - b.queuedAt);
  const rows = await Promise.all(
    entries.map((entry) => rowStore(tx, 'records').get([entry.collection, entry.id])),
  );
  return entries.map((entry, index) => ({ entry, row: rows[index] }));
}

/** Deletions the outbox would make on the account, against what the account holds. */
async function remoteDeletions(
  deps: SyncDeps,
  pending: Array<{ entry: OutboxRow; row: RecordRow | undefined }>,
) {
  const deleting = pending.filter(({ row }) => row && row.data === null && row.base?.data);
  if (deleting.length < deps.ctx.settings.bulkDeleteMinimum) return null;
  const rows = await readRows(deps.ctx.db, 'records').getAll();
  const total = rows.filter(
    (row) => row.base?.data && deps.ctx.settings.collections[row.collection],
  ).length;
  if (!exceedsBulkDeleteGuard(deleting.length, total, deps.ctx.settings)) return null;
  return { deleting, total };
}

/** The person kept the records: undo the local deletions by restoring the synced values. */
async function restoreDeleted(deps: SyncDeps, rows: RecordRow[]): Promise<void> {
  const tx = deps.ctx.db.transaction(RECORD_STORES, 'readwrite');
  try {
    for (const row of rows) {
      const current = await rowStore(tx, 'records').get([row.collection, row.id]);
      if (!current?.base || current.data !== null) continue;
      const base = current.base;
      await rowStore(tx, 'records').put({
        ...current,
        live: base.data === null ? 0 : 1,
        data: base.data,
        hlc: base.hlc,
        device: base.device,
        clocks: base.clocks,
      });
      await tx.objectStore('outbox').delete([row.collection, row.id]);
    }
    await tx.done;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}

async function prepare(deps: SyncDeps, entry: OutboxRow, row: RecordRow): Promise<Prepared> {
  const sent: SealedState = {
    data: row.data,
    hlc: row.hlc,
    device: row.device,
    clocks: row.clocks,
  };
  const baseRev = row.base?.rev ?? null;
  // Under compare-and-set the write can only become the next revision: sealing it in is what lets
  // every reader refuse this version when it is later replayed under another one.
  const payload = await deps.cipher.seal(entry.collection, entry.id, sent, (baseRev ?? 0) + 1);
  const op: BatchOp = {
    collection: deps.cipher.tokenOf(entry.collection),
    id: entry.id,
    base_rev: baseRev,
    deleted: row.data === null,
    payload,
    op_id: entry.opId,
  };
  return { entry, op, sent };
}

/** Splits ops into batches within the server's op-count and byte limits. */
export function batches<T extends { op: BatchOp }>(limits: Limits, prepared: T[]): T[][] {
  const maxOps = Math.max(1, limits.max_batch_ops);
  // Leave room for the JSON around the payloads.
  const maxBytes = Math.max(1, Math.floor(limits.max_batch_bytes * 0.9));
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of prepared) {
    const size = item.op.payload.length;
    if (current.length > 0 && (current.length >= maxOps || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

interface Settled {
  pushed: number;
  conflicts: number;
  quarantined: number;
  requeued: number;
  /** `ok` answers whose revision does not follow the op's base: not believed. */
  refusedAcks: number;
}

async function settle(deps: SyncDeps, batch: Prepared[], results: BatchResult[]): Promise<Settled> {
  const { ctx } = deps;
  const byOp = new Map(results.map((result) => [result.op_id, result]));
  // Decrypt the server's current versions first: no awaiting crypto inside the transaction.
  const currents = new Map<string, PageItem>();
  for (const { op } of batch) {
    const result = byOp.get(op.op_id);
    if (result?.status === 'conflict' && result.current) {
      currents.set(
        op.op_id,
        await openRemote(deps.cipher, result.current as RemoteRecord, () => true),
      );
    }
  }
  const settled: Settled = {
    pushed: 0,
    conflicts: 0,
    quarantined: 0,
    requeued: 0,
    refusedAcks: 0,
  };
  const tx = ctx.db.transaction([...RECORD_STORES, 'quarantine'], 'readwrite');
  const replaced: ReplacedEdit[] = [];
  try {
    for (const { entry, op, sent } of batch) {
      const result = byOp.get(op.op_id);
      if (!result) continue; // Not answered: stays queued with the same op id for an exact retry.
      const key: [CollectionName, string] = [entry.collection, entry.id];
      const row = await rowStore(tx, 'records').get(key);
      const pending = await tx.objectStore('outbox').get(key);
      if (!row) continue;
      // The server answered for this record with something that opens (or took the write):
      // whatever was quarantined for it is settled.
      const quarantined: [string, string] = [op.collection, op.id];
      if (result.status === 'ok' || currents.get(op.op_id)?.kind === 'opened')
        await tx.objectStore('quarantine').delete(quarantined);
      if (result.status === 'ok') {
        // Compare-and-set gives exactly the next revision: any other is a lie, and believing it
        // would make the device skip real versions up to it. The op stays queued as it was, so an
        // honest server answers its op id again with the truth.
        if (result.rev !== (op.base_rev ?? 0) + 1) {
          settled.refusedAcks += 1;
          continue;
        }
        settled.pushed += 1;
        await rowStore(tx, 'records').put({ ...row, base: { rev: result.rev, ...sent } });
        // An edit made while the op was in flight renewed the op id: that edit stays queued.
        if (pending?.opId === op.op_id) await tx.objectStore('outbox').delete(key);
        continue;
      }
      const current = currents.get(op.op_id);
      if (!current) {
        // The server has no such record any more (its tombstone was purged): create it anew.
        await rowStore(tx, 'records').put({ ...row, base: null });
        if (pending) await tx.objectStore('outbox').put({ ...pending, opId: randomId() });
        settled.requeued += 1;
        continue;
      }
      if (current.kind === 'opened') {
        const applied = await applyRemote(ctx, tx, current.record, 'merge', undefined, replaced);
        await tx.objectStore('quarantine').delete([current.remote.collection, current.remote.id]);
        if (applied === 'conflict') settled.conflicts += 1;
        else settled.requeued += 1;
        const { record } = current;
        if (applied === 'skipped' && row.base && record.rev < row.base.rev) {
          // The server's record is older than the base we hold: the write it once acknowledged
          // at that base is not there. Send the local value again over what it does have;
          // compare-and-set keeps this safe if it is the rollback that is the lie.
          const { rev, data, hlc, device, clocks } = record;
          await rowStore(tx, 'records').put({ ...row, base: { rev, data, hlc, device, clocks } });
          await tx.objectStore('outbox').put({
            collection: entry.collection,
            id: entry.id,
            queuedAt: pending?.queuedAt ?? ctx.clock.now(),
            held: false,
            ...(pending?.sent ? { sent: true } : {}),
            opId: randomId(),
          });
          ctx.log({ level: 'warn', event: 'base_doubtful', reason: 'ack_missing', rev });
        } else if (applied === 'skipped' && pending?.opId === op.op_id) {
          // The server's version is one we already hold as base: send again over it.
          await tx.objectStore('outbox').put({ ...pending, opId: randomId() });
        }
        continue;
      }
      if (current.kind === 'quarantine') {
        const previous = await tx.objectStore('quarantine').get(quarantined);
        await tx
          .objectStore('quarantine')
          .put(quarantineRowFor(current, ctx.clock.now(), null, previous));
        // Held until a version that opens arrives: pushing over an unreadable record loses it.
        if (pending) await tx.objectStore('outbox').put({ ...pending, held: true });
        settled.quarantined += 1;
      }
    }
    await noteReplaced(tx, replaced);
    await tx.objectStore('meta').put(ctx.hlc.value, 'clock');
    await tx.done;
    return settled;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}

export async function push(deps: SyncDeps, options: PushOptions = {}): Promise<PushResult> {
  const result: PushResult = { pushed: 0, conflicts: 0, quarantined: 0, tooLarge: 0, paused: null };
  let done = 0;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const pending = await pendingEntries(deps);
    if (pending.length === 0) break;
    if (round === 0 && options.bulkDelete !== 'delete') {
      const guard = await remoteDeletions(deps, pending);
      if (guard && options.bulkDelete === 'keep') {
        await restoreDeleted(
          deps,
          guard.deleting.flatMap(({ row }) => (row ? [row] : [])),
        );
        continue;
      }
      if (guard) {
        result.paused = {
          kind: 'bulkDelete',
          side: 'remote',
          deletions: guard.deleting.length,
          total: guard.total,
          byCollection: countByCollection(guard.deleting.map(({ entry }) => entry.collection)),
        };
        return result;
      }
    }
    const prepared: Prepared[] = [];
    const orphans: OutboxRow[] = [];
    for (const { entry, row } of pending) {
      if (!row || (row.base === null && row.data === null && !entry.sent)) {
        orphans.push(entry);
        continue;
      }
      const item = await prepare(deps, entry, row);
      if (item.op.payload.length > deps.limits.max_payload_bytes) {
        result.tooLarge += 1;
        continue;
      }
      prepared.push(item);
    }
    if (orphans.length > 0) await dropOrphans(deps, orphans);
    let requeued = 0;
    const total = done + prepared.length;
    for (const planned of batches(deps.limits, prepared)) {
      const batch = await markSent(deps, planned);
      done += planned.length;
      if (batch.length === 0) {
        deps.progress(done, total);
        continue;
      }
      const request = {
        key_fingerprint: deps.cipher.fingerprint,
        ops: batch.map((item) => item.op),
      };
      const response = await deps.session.withAccess((server, token) =>
        deps.api.batch(server, token, request, deps.limits),
      );
      for (const answer of response.results) if (answer.status === 'ok') deps.wrote?.(answer.seq);
      const settled = await settle(deps, batch, response.results);
      if (settled.refusedAcks > 0) {
        throw new ServerError(
          'ack_invalid',
          `The server confirmed ${settled.refusedAcks} edit(s) with a revision that does not follow their base; they stay pending`,
          200,
          null,
        );
      }
      result.pushed += settled.pushed;
      result.conflicts += settled.conflicts;
      result.quarantined += settled.quarantined;
      requeued += settled.requeued;
      deps.progress(done, total);
    }
    if (requeued === 0) break;
  }
  return result;
}

/**
 * Records, before their ops go out, that the server may hold them from now on: if the answer is
 * lost, a later delete of a record this device never saw acknowledged must still be sent.
 * Returns the batch less the creations whose entry is gone: a record created and deleted here
 * since `prepare` was dropped as never sent, so its creation must not go out after all (nothing
 * would ever delete it on the server). From this transaction on, a delete is always sent.
 */
async function markSent(deps: SyncDeps, batch: Prepared[]): Promise<Prepared[]> {
  // Only creations: a record with a base is known to exist, its deletes are always sent.
  const unmarked = batch.filter(({ entry, op }) => op.base_rev === null && !entry.sent);
  if (unmarked.length === 0) return batch;
  const dropped = new Set<Prepared>();
  const tx = deps.ctx.db.transaction('outbox', 'readwrite');
  for (const item of unmarked) {
    // Re-read: an edit since `prepare` renewed the entry, and its new op id must stay.
    const current = await tx.store.get([item.entry.collection, item.entry.id]);
    if (current) await tx.store.put({ ...current, sent: true });
    else dropped.add(item);
  }
  await tx.done;
  return dropped.size === 0 ? batch : batch.filter((item) => !dropped.has(item));
}

/** Outbox entries with nothing to send (a record created and deleted before it synced). */
async function dropOrphans(deps: SyncDeps, orphans: OutboxRow[]): Promise<void> {
  const tx = deps.ctx.db.transaction(['outbox', 'records'], 'readwrite');
  for (const entry of orphans) {
    const row = await rowStore(tx, 'records').get([entry.collection, entry.id]);
    if (!row || (row.base === null && row.data === null && !entry.sent)) {
      await tx.objectStore('outbox').delete([entry.collection, entry.id]);
      if (row) await rowStore(tx, 'records').delete([entry.collection, entry.id]);
    }
  }
  await tx.done;
}
