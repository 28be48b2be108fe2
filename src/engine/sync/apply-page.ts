/**
 * Applies a decrypted page of changes and advances the cursor in ONE transaction: the cursor
 * never moves past a change that is not durably applied (or durably quarantined).
 */
import type { EngineContext } from '../context';
import type { SyncMeta } from '../db/schema';
import { rowStore } from '../db/sealed-rows';
import { RECORD_STORES } from '../db/tx';
import { abortQuietly } from '../records/commit-local';
import { noteReplaced, type ReplacedEdit } from '../records/replaced';
import { type ApplyMode, type ApplyResult, applyRemote } from './apply-remote';
import type { PageItem } from './open-page';
import { quarantineRowFor } from './quarantine-retry';
import { updateSyncMeta } from './sync-meta';

export interface PageTally {
  applied: number;
  conflicts: number;
  quarantined: number;
  skipped: number;
}

export function emptyTally(): PageTally {
  return { applied: 0, conflicts: 0, quarantined: 0, skipped: 0 };
}

export interface ApplyPageOptions {
  /** Sync metadata to write with the page (the new cursor, flags). */
  meta: Partial<SyncMeta>;
  /** How to apply one item; `merge` unless said otherwise. */
  modeOf?: (item: PageItem & { kind: 'opened' }) => ApplyMode;
  /** Whether the quarantine may hold rows to clear when their record now opens. */
  quarantineInUse: boolean;
  /** Keys `collection/id` seen, for the reconciliation after a full resync. */
  seen?: Set<string>;
  /** The cursor the page was fetched from: a record quarantined from it is read again from there. */
  since?: string;
  /**
   * A pull that began on an empty records store: the keys applied so far. Any other key has no
   * row unless a local edit made one meanwhile, and such an edit always has an outbox entry, so
   * the read before each write is skipped for the rest (a tenth of a first pull's time).
   */
  fresh?: Set<string>;
}

function tallyResult(tally: PageTally, result: ApplyResult): void {
  if (result === 'conflict') tally.conflicts += 1;
  else if (result !== 'skipped') tally.applied += 1;
}

/**
 * Splits a page into waves of distinct records, keeping the feed's order within a record. The
 * feed lists a record once per page in practice, so there is one wave.
 */
function waves(items: PageItem[]): PageItem[][] {
  const out: PageItem[][] = [];
  const depth = new Map<string, number>();
  for (const item of items) {
    const key = `${item.remote.collection}/${item.remote.id}`;
    const wave = depth.get(key) ?? 0;
    depth.set(key, wave + 1);
    const list = out[wave] ?? [];
    list.push(item);
    out[wave] = list;
  }
  return out;
}

export async function applyPage(
  ctx: EngineContext,
  items: PageItem[],
  options: ApplyPageOptions,
): Promise<PageTally> {
  const tally = emptyTally();
  const tx = ctx.db.transaction([...RECORD_STORES, 'quarantine'], 'readwrite');
  const quarantine = tx.objectStore('quarantine');
  // Which records have an outbox entry or a conflict, read once per wave instead of per record.
  let pendingKeys = new Set<string>();
  let conflictKeys = new Set<string>();
  const keyOf = (collection: string, id: string) => `${collection}/${id}`;
  const replaced: ReplacedEdit[] = [];
  const applyOne = async (item: PageItem): Promise<void> => {
    if (item.kind === 'skipped') {
      tally.skipped += 1;
      return;
    }
    if (item.kind === 'quarantine') {
      const previous = await quarantine.get([item.remote.collection, item.remote.id]);
      await quarantine.put(
        quarantineRowFor(item, ctx.clock.now(), options.since ?? null, previous),
      );
      tally.quarantined += 1;
      return;
    }
    options.seen?.add(`${item.record.collection}/${item.record.id}`);
    if (options.quarantineInUse) await quarantine.delete([item.remote.collection, item.remote.id]);
    const key = keyOf(item.record.collection, item.record.id);
    const absent = {
      pending: !pendingKeys.has(key),
      conflict: !conflictKeys.has(key),
      row: options.fresh !== undefined && !options.fresh.has(key) && !pendingKeys.has(key),
    };
    options.fresh?.add(key);
    const mode = options.modeOf?.(item) ?? 'merge';
    tallyResult(tally, await applyRemote(ctx, tx, item.record, mode, absent, replaced));
  };
  try {
    // Records of one wave are independent: applied concurrently, their requests queue up in the
    // transaction back to back instead of each waiting for the one before (a first pull of
    // thousands of records is bound by exactly those round trips).
    for (const wave of waves(items)) {
      const [outboxKeys, conflictRows] = await Promise.all([
        tx.objectStore('outbox').getAllKeys(),
        rowStore(tx, 'conflicts').getAllKeys(),
      ]);
      pendingKeys = new Set(outboxKeys.map(([collection, id]) => keyOf(collection, id)));
      conflictKeys = new Set(conflictRows.map(([collection, id]) => keyOf(collection, id)));
      await Promise.all(wave.map(applyOne));
    }
    await noteReplaced(tx, replaced);
    await updateSyncMeta(tx, options.meta);
    await tx.objectStore('meta').put(ctx.hlc.value, 'clock');
    await tx.done;
    return tally;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}
