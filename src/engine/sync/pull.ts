/**
 * Pull: fetch the change feed since the cursor page by page, decrypt, merge and apply each page
 * with its cursor in one transaction. `410 cursor_expired` restarts from zero (a full resync,
 * which keeps pending local edits and afterwards drops synced records the server no longer has).
 *
 * The bulk-delete guard: pages are applied as they arrive until one would delete live local
 * records; from there on pages are only buffered, and at the end the deletions are weighed
 * against the guard before anything of the buffer is applied.
 */
import type { ChangesResponse } from '../../protocol';
import type { CollectionName } from '../collections';
import type { EngineContext } from '../context';
import { RECORD_STORES } from '../db/tx';
import { ServerError } from '../errors';
import { randomId } from '../ids';
import { abortQuietly } from '../records/commit-local';
import { applyPage, emptyTally, type PageTally } from './apply-page';
import type { ApplyMode } from './apply-remote';
import { type BulkDeleteDecision, countByCollection, exceedsBulkDeleteGuard } from './bulk-delete';
import type { SyncDeps } from './deps';
import { fetchChanges } from './fetch-changes';
import { openPage, type PageItem } from './open-page';
import { readSyncMeta, updateSyncMeta } from './sync-meta';

export interface PullOptions {
  /** The person answered the guard: `delete` lets deletions through, `keep` keeps local records. */
  bulkDelete?: 'delete' | 'keep';
  /** First join "upload this device's data": every remote version only becomes a base. */
  keepLocal?: boolean;
}

export interface PullResult extends PageTally {
  pulled: number;
  paused: BulkDeleteDecision | null;
}

type OpenedItem = PageItem & { kind: 'opened' };

interface Page {
  items: PageItem[];
  cursor: string;
}

function enabledIn(ctx: EngineContext): (collection: CollectionName) => boolean {
  return (collection) => ctx.settings.collections[collection];
}

async function liveCount(ctx: EngineContext): Promise<number> {
  const index = ctx.db.transaction('records').store.index('byCollectionLive');
  let total = 0;
  for (const [name, on] of Object.entries(ctx.settings.collections)) {
    if (on) total += await index.count([name as CollectionName, 1]);
  }
  return total;
}

/** Items of the page that would delete a record live on this device. */
async function localDeletions(ctx: EngineContext, items: PageItem[]): Promise<Set<OpenedItem>> {
  const deletes = items.filter(
    (item): item is OpenedItem => item.kind === 'opened' && item.record.data === null,
  );
  const hits = new Set<OpenedItem>();
  if (deletes.length === 0) return hits;
  const store = ctx.db.transaction('records').store;
  for (const item of deletes) {
    const row = await store.get([item.record.collection, item.record.id]);
    if (row?.data && (!row.base || row.base.rev < item.record.rev)) hits.add(item);
  }
  return hits;
}

function add(into: PageTally, from: PageTally): void {
  into.applied += from.applied;
  into.conflicts += from.conflicts;
  into.quarantined += from.quarantined;
  into.skipped += from.skipped;
}

export async function pull(deps: SyncDeps, options: PullOptions = {}): Promise<PullResult> {
  const { ctx } = deps;
  const enabled = enabledIn(ctx);
  const result: PullResult = { ...emptyTally(), pulled: 0, paused: null };
  const meta = await readSyncMeta(ctx.db);
  const full = meta.fullResync || meta.cursor === null;
  let since = full ? '0' : (meta.cursor as string);
  // A listing from zero over existing bases (after 410, or from a cursor still at zero, which
  // the server never refuses) must also drop synced records whose tombstones were purged.
  const seen = meta.fullResync || meta.cursor === '0' ? new Set<string>() : undefined;
  const quarantineInUse = (await ctx.db.count('quarantine')) > 0;
  const buffered: Page[] = [];
  const deletions = new Set<OpenedItem>();
  const modeOf = (item: PageItem & { kind: 'opened' }): ApplyMode =>
    options.keepLocal || (options.bulkDelete === 'keep' && deletions.has(item))
      ? 'keepLocal'
      : 'merge';
  const apply = async (page: Page) => {
    add(
      result,
      await applyPage(ctx, page.items, {
        meta: { cursor: page.cursor },
        modeOf,
        quarantineInUse,
        seen,
      }),
    );
  };

  // Fetching and decrypting a page needs nothing from the database: the next page is fetched and
  // opened while this one is applied, so the network, WebCrypto and IndexedDB's commit overlap.
  // Only ever one request in flight; if this page fails, the next one is simply never read.
  const fetchAndOpen = async (cursor: string) => {
    const response = await fetchChanges(deps, cursor);
    return { response, items: await openPage(deps.cipher, response.changes, enabled) };
  };
  let next = fetchAndOpen(since);
  for (;;) {
    let response: ChangesResponse;
    let items: PageItem[];
    try {
      ({ response, items } = await next);
    } catch (error) {
      if (error instanceof ServerError && error.code === 'cursor_expired' && !full) {
        // Changes we never saw were purged: start over from zero, keeping local pending edits.
        ctx.log({ level: 'warn', event: 'cursor_expired', cursor: since });
        const tx = ctx.db.transaction('meta', 'readwrite');
        await updateSyncMeta(tx, { fullResync: true });
        await tx.done;
        return pull(deps, options);
      }
      throw error;
    }
    if (response.has_more) {
      next = fetchAndOpen(response.cursor);
      next.catch(() => undefined);
    }
    result.pulled += items.length;
    const page = { items, cursor: response.cursor };
    const hits = options.keepLocal ? new Set<OpenedItem>() : await localDeletions(ctx, items);
    for (const hit of hits) deletions.add(hit);
    if (buffered.length > 0 || hits.size > 0) buffered.push(page);
    else await apply(page);
    deps.progress(
      result.pulled,
      result.pulled + (response.has_more ? deps.limits.max_changes_limit : 0),
    );
    since = response.cursor;
    if (!response.has_more) break;
  }

  if (buffered.length > 0) {
    const total = await liveCount(ctx);
    if (!options.bulkDelete && exceedsBulkDeleteGuard(deletions.size, total, ctx.settings)) {
      result.paused = {
        kind: 'bulkDelete',
        side: 'local',
        deletions: deletions.size,
        total,
        byCollection: countByCollection([...deletions].map((item) => item.record.collection)),
      };
      return result;
    }
    for (const page of buffered) await apply(page);
  }

  if (seen) {
    const paused = await reconcile(ctx, seen, options);
    if (paused) result.paused = paused;
  }
  return result;
}

/**
 * After a full resync: a synced record the server no longer lists at all was deleted and its
 * tombstone purged. Without a pending edit it goes; with one it becomes a new record again.
 */
async function reconcile(
  ctx: EngineContext,
  seen: Set<string>,
  options: PullOptions,
): Promise<BulkDeleteDecision | null> {
  const rows = await ctx.db.getAll('records');
  const gone = rows.filter(
    (row) =>
      row.base !== null &&
      ctx.settings.collections[row.collection] &&
      !seen.has(`${row.collection}/${row.id}`),
  );
  const lost = gone.filter((row) => row.data !== null);
  const total = await liveCount(ctx);
  if (!options.bulkDelete && exceedsBulkDeleteGuard(lost.length, total, ctx.settings)) {
    return {
      kind: 'bulkDelete',
      side: 'local',
      deletions: lost.length,
      total,
      byCollection: countByCollection(lost.map((row) => row.collection)),
    };
  }
  const tx = ctx.db.transaction(RECORD_STORES, 'readwrite');
  try {
    for (const row of gone) {
      const key: [CollectionName, string] = [row.collection, row.id];
      const pending = await tx.objectStore('outbox').get(key);
      const keep = pending || (options.bulkDelete === 'keep' && row.data !== null);
      if (keep && row.data !== null) {
        await tx.objectStore('records').put({ ...row, base: null });
        await tx.objectStore('outbox').put({
          collection: row.collection,
          id: row.id,
          opId: pending?.opId ?? randomId(),
          queuedAt: pending?.queuedAt ?? ctx.clock.now(),
          held: false,
        });
      } else {
        await tx.objectStore('records').delete(key);
        await tx.objectStore('outbox').delete(key);
        await tx.objectStore('conflicts').delete(key);
      }
    }
    await updateSyncMeta(tx, { fullResync: false });
    await tx.done;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
  return null;
}
