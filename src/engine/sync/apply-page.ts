/**
 * Applies a decrypted page of changes and advances the cursor in ONE transaction: the cursor
 * never moves past a change that is not durably applied (or durably quarantined).
 */
import type { EngineContext } from '../context';
import type { QuarantineRow, SyncMeta } from '../db/schema';
import { RECORD_STORES } from '../db/tx';
import { abortQuietly } from '../records/commit-local';
import { type ApplyMode, type ApplyResult, applyRemote } from './apply-remote';
import type { PageItem } from './open-page';
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
}

function tallyResult(tally: PageTally, result: ApplyResult): void {
  if (result === 'conflict') tally.conflicts += 1;
  else if (result !== 'skipped') tally.applied += 1;
}

export async function applyPage(
  ctx: EngineContext,
  items: PageItem[],
  options: ApplyPageOptions,
): Promise<PageTally> {
  const tally = emptyTally();
  const tx = ctx.db.transaction([...RECORD_STORES, 'quarantine'], 'readwrite');
  try {
    const quarantine = tx.objectStore('quarantine');
    for (const item of items) {
      if (item.kind === 'skipped') {
        tally.skipped += 1;
        continue;
      }
      if (item.kind === 'quarantine') {
        const row: QuarantineRow = {
          token: item.remote.collection,
          id: item.remote.id,
          rev: item.remote.rev,
          code: item.error.code as QuarantineRow['code'],
          message: item.error.message,
          collection: item.collection,
          record: item.remote,
          at: ctx.clock.now(),
        };
        await quarantine.put(row);
        tally.quarantined += 1;
        continue;
      }
      options.seen?.add(`${item.record.collection}/${item.record.id}`);
      if (options.quarantineInUse)
        await quarantine.delete([item.remote.collection, item.remote.id]);
      tallyResult(
        tally,
        await applyRemote(ctx, tx, item.record, options.modeOf?.(item) ?? 'merge'),
      );
    }
    await updateSyncMeta(tx, options.meta);
    await tx.objectStore('meta').put(ctx.hlc.value, 'clock');
    await tx.done;
    return tally;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}
