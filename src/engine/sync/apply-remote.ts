/**
 * What a remote record version does to the local store. Used by pull (each change) and by push
 * (the `current` record of a conflicting op). Runs inside the caller's transaction, so applying
 * a page of changes, the outbox updates and the cursor advance are one atomic step.
 */

import { compareHlc } from '../clock/hlc';
import type { EngineContext } from '../context';
import type { ConflictRow, OutboxRow, RecordRow, SyncedState } from '../db/schema';
import { rowStore } from '../db/sealed-rows';
import type { WriteTx } from '../db/tx';
import { randomId } from '../ids';
import { jsonEqual } from '../merge/equal';
import { settleLastWriteWins } from '../merge/last-write-wins';
import { laterClocks, type MergeOutcome, threeWayMerge } from '../merge/three-way';
import { lastChange, type Version } from '../merge/version';
import { appendHistory } from '../records/history';
import { lostLocally, type ReplacedEdit } from '../records/replaced';
import type { OpenedRecord } from './cipher';

/**
 * `merge`: the normal rules. `keepLocal`: this device's state wins outright (first join
 * "upload this device's data", or a refused bulk delete): the remote version only becomes the
 * base that the local state is pushed over.
 */
export type ApplyMode = 'merge' | 'keepLocal';

export type ApplyResult = 'skipped' | 'applied' | 'merged' | 'rebased' | 'conflict' | 'kept';

function synced(remote: OpenedRecord): SyncedState {
  return {
    rev: remote.rev,
    data: remote.data,
    hlc: remote.hlc,
    device: remote.device,
    clocks: remote.clocks,
  };
}

function versionOf(row: {
  data: RecordRow['data'];
  hlc: string;
  clocks: Record<string, string>;
}): Version {
  return { data: row.data, hlc: row.hlc, clocks: row.clocks };
}

class RecordWriter {
  /** The history entry keeping the value this write replaced, when one was kept. */
  historySeq: number | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly tx: WriteTx,
    private readonly remote: OpenedRecord,
    private readonly previous: RecordRow | undefined,
    /** Whether an outbox entry and a conflict exist, so absent ones cost no delete request. */
    private readonly has: { pending: boolean; conflict: boolean },
  ) {}

  private get key(): [RecordRow['collection'], string] {
    return [this.remote.collection, this.remote.id];
  }

  /** Writes the record, keeping its former value in history when the value changes. */
  async putRow(row: RecordRow): Promise<void> {
    const previous = this.previous;
    if (previous && !jsonEqual(previous.data, row.data)) {
      this.historySeq = await appendHistory(
        this.tx,
        previous,
        'remote',
        this.ctx.clock.now(),
        this.ctx.historyDepth,
      );
    }
    await rowStore(this.tx, 'records').put(row);
  }

  /** The local state becomes exactly the remote one; nothing is pending any more. */
  async adoptRemote(): Promise<void> {
    const { remote } = this;
    if (remote.data === null && !this.previous) return; // A tombstone of something never seen here.
    await this.putRow({
      collection: remote.collection,
      id: remote.id,
      live: remote.data === null ? 0 : 1,
      data: remote.data,
      hlc: remote.hlc,
      device: remote.device,
      clocks: { ...remote.clocks },
      base: synced(remote),
      updatedAt: this.ctx.clock.now(),
    });
    if (this.has.pending) await this.tx.objectStore('outbox').delete(this.key);
    if (this.has.conflict) await rowStore(this.tx, 'conflicts').delete(this.key);
  }

  /** Keeps `data` as the local value over the remote base, and queues it to be pushed. */
  async keepPending(
    data: RecordRow['data'],
    stamps: { hlc: string; device: string; clocks: Record<string, string> },
    held: boolean,
  ) {
    const { remote } = this;
    await this.putRow({
      collection: remote.collection,
      id: remote.id,
      live: data === null ? 0 : 1,
      data,
      ...stamps,
      base: synced(remote),
      updatedAt: this.ctx.clock.now(),
    });
    const outbox = this.tx.objectStore('outbox');
    const pending = await outbox.get(this.key);
    const entry: OutboxRow = {
      collection: remote.collection,
      id: remote.id,
      opId: randomId(),
      queuedAt: pending?.queuedAt ?? this.ctx.clock.now(),
      held,
    };
    await outbox.put(entry);
  }
}

async function applyMerged(
  writer: RecordWriter,
  ctx: EngineContext,
  remote: OpenedRecord,
  data: RecordRow['data'],
  clocks: Record<string, string>,
) {
  // The same data with later stamps (both sides deleted, this side last) is still sent: the later
  // stamp is what a concurrent older edit elsewhere must lose to.
  if (
    jsonEqual(data, remote.data) &&
    jsonEqual(laterClocks(clocks, remote.clocks), remote.clocks)
  ) {
    await writer.adoptRemote();
    return;
  }
  await writer.keepPending(data, { hlc: ctx.hlc.tick(), device: ctx.deviceId, clocks }, false);
}

function conflictRow(
  ctx: EngineContext,
  remote: OpenedRecord,
  base: RecordRow['data'],
  local: RecordRow,
  outcome: Exclude<MergeOutcome, { kind: 'clean' }>,
): ConflictRow {
  return {
    collection: remote.collection,
    id: remote.id,
    kind: outcome.kind === 'fields' ? 'fields' : 'delete',
    deletedSide: outcome.kind === 'delete' ? outcome.deletedSide : null,
    fields: outcome.kind === 'fields' ? outcome.fields : [],
    merged: outcome.kind === 'fields' ? outcome.merged : null,
    base,
    local: { data: local.data, hlc: local.hlc, device: local.device, clocks: local.clocks },
    remote: {
      data: remote.data,
      hlc: remote.hlc,
      device: remote.device,
      clocks: remote.clocks,
      rev: remote.rev,
    },
    detectedAt: ctx.clock.now(),
  };
}

/**
 * What the caller already knows to be absent: a record with no outbox entry or no conflict need
 * not be looked up (on a first pull, none has either).
 */
export interface KnownAbsent {
  pending: boolean;
  conflict: boolean;
  /** No row of this record exists (a first pull into an empty store), so none is read. */
  row?: boolean;
}

/**
 * Why the base this device holds cannot be taken as what the server has, given `remote`; null
 * when nothing is amiss. The base came from an `ok` (which a server can forge) or from the feed.
 * - `ack_missing`: the server serves another version under the base's own revision, so the
 *   write it acknowledged at that revision is not there (the ack was forged, or the feed lies).
 * - `clock_behind`: with nothing pending, a newer version whose clock runs behind the base's.
 *   Every writer has seen the version it replaces (a rotation reseals with the same clock), so
 *   either the base was a forged ack or the version is not a successor of it.
 * Either way the remote version is not adopted as is: it is merged against the local value with
 * no common ancestor, and whatever this device holds that the server lacks is sent again.
 */
function doubtfulBase(
  base: SyncedState,
  remote: OpenedRecord,
  pending: boolean,
): 'ack_missing' | 'clock_behind' | null {
  if (base.rev === remote.rev) {
    const same = base.hlc === remote.hlc && base.device === remote.device;
    return same ? null : 'ack_missing';
  }
  if (base.rev > remote.rev) return null;
  if (!pending && compareHlc(remote.hlc, base.hlc) < 0) return 'clock_behind';
  return null;
}

/** Applies one opened remote record version inside `tx`; returns what it did. */
export async function applyRemote(
  ctx: EngineContext,
  tx: WriteTx,
  remote: OpenedRecord,
  mode: ApplyMode = 'merge',
  absent: KnownAbsent = { pending: false, conflict: false },
  /** Collects this device's edits that last-write-wins replaced; the caller notes them once. */
  replaced: ReplacedEdit[] = [],
): Promise<ApplyResult> {
  const key: [RecordRow['collection'], string] = [remote.collection, remote.id];
  const [row, pending, conflict] = await Promise.all([
    absent.row ? undefined : rowStore(tx, 'records').get(key),
    absent.pending ? undefined : tx.objectStore('outbox').get(key),
    absent.conflict ? undefined : rowStore(tx, 'conflicts').get(key),
  ]);
  const doubtful = row?.base ? doubtfulBase(row.base, remote, pending !== undefined) : null;
  // Already known: our own acknowledged write echoed back, or an older version.
  if (row?.base && row.base.rev >= remote.rev && !doubtful) return 'skipped';
  if (doubtful)
    ctx.log({ level: 'warn', event: 'base_doubtful', reason: doubtful, rev: remote.rev });
  ctx.hlc.observe(remote.hlc);
  const writer = new RecordWriter(ctx, tx, remote, row, {
    pending: pending !== undefined,
    conflict: conflict !== undefined,
  });

  if (mode === 'keepLocal') {
    const local = row?.data ?? null;
    if (jsonEqual(local, remote.data)) {
      await writer.adoptRemote();
      return 'applied';
    }
    await rowStore(tx, 'conflicts').delete(key);
    // A fresh clock: this is a new write over the remote version, and devices holding that
    // version refuse anything stamped earlier than it.
    const stamps = {
      hlc: ctx.hlc.tick(),
      device: ctx.deviceId,
      clocks: row?.clocks ?? {},
    };
    await writer.keepPending(local, stamps, false);
    return 'kept';
  }

  if (!row || (!pending && !doubtful)) {
    await writer.adoptRemote();
    return 'applied';
  }

  // Our own write that we never saw acknowledged (response lost): the local value descends from
  // it, so it simply becomes the base.
  if (remote.device === ctx.deviceId && !conflict && !doubtful) {
    if (jsonEqual(row.data, remote.data)) {
      await writer.adoptRemote();
      return 'applied';
    }
    await writer.keepPending(
      row.data,
      { hlc: row.hlc, device: row.device, clocks: row.clocks },
      pending?.held ?? false,
    );
    return 'rebased';
  }

  // A conflict already waiting for a person is re-examined against its original base.
  // A base that may never have been on the server is no common ancestor: with none, every field
  // the two sides disagree on is weighed (by its clock, or by the person) and nothing is lost.
  const base = conflict ? conflict.base : doubtful ? null : (row.base?.data ?? null);
  const baseDeletedAt = conflict
    ? conflict.baseDeletedAt
    : !doubtful && row.base && row.base.data === null
      ? lastChange(row.base)
      : undefined;
  const outcome = threeWayMerge(base, versionOf(row), versionOf(remote), baseDeletedAt);
  if (outcome.kind === 'clean') {
    await rowStore(tx, 'conflicts').delete(key);
    await applyMerged(writer, ctx, remote, outcome.data, outcome.clocks);
    return 'merged';
  }
  if (ctx.settings.conflictStrategy === 'lastWriteWins') {
    const settled = settleLastWriteWins(outcome, versionOf(row), versionOf(remote));
    await rowStore(tx, 'conflicts').delete(key);
    await applyMerged(writer, ctx, remote, settled.data, settled.clocks);
    const lost = lostLocally(outcome, settled.data, versionOf(row));
    if (lost) {
      replaced.push({
        collection: remote.collection,
        id: remote.id,
        fields: lost === 'record' ? null : lost,
        by: remote.device,
        at: ctx.clock.now(),
        historySeq: writer.historySeq,
      });
    }
    return 'merged';
  }
  // Manual: the local value stays, the conflict waits, and the pending change is held.
  await rowStore(tx, 'conflicts').put({
    ...conflictRow(ctx, remote, base, row, outcome),
    ...(baseDeletedAt === undefined ? {} : { baseDeletedAt }),
    detectedAt: conflict?.detectedAt ?? ctx.clock.now(),
  });
  await writer.keepPending(
    row.data,
    { hlc: row.hlc, device: row.device, clocks: row.clocks },
    true,
  );
  return 'conflict';
}
