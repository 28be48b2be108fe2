/**
 * Pull: fetch the change feed since the cursor page by page, decrypt, merge and apply each page
 * with its cursor in one transaction. `410 cursor_expired` restarts from zero (a full resync,
 * which keeps pending local edits and afterwards notes synced records the server no longer lists,
 * for the person to decide about: absence is never a deletion). Quarantined records due for a
 * retry make the pull start from where they came (`quarantine-retry.ts`).
 *
 * The bulk-delete guard: pages are applied as they arrive until one would delete live local
 * records; from there on pages are only buffered, and at the end the deletions are weighed
 * against the guard before anything of the buffer is applied.
 */
import type { ChangesResponse } from '../../protocol';
import type { CollectionName } from '../collections';
import type { EngineContext } from '../context';
import { readRows } from '../db/sealed-rows';
import { ServerError } from '../errors';
import { manifestToken } from '../omission/manifest-seal';
import { omissionRewind } from '../omission/omission-check';
import { keepManifests, openManifests } from '../omission/omission-state';
import { applyPage, emptyTally, type PageTally } from './apply-page';
import type { ApplyMode } from './apply-remote';
import {
  type BulkDeleteDecision,
  countByCollection,
  exceedsBulkDeleteGuard,
  liveCount,
} from './bulk-delete';
import type { SyncDeps } from './deps';
import { fetchChanges } from './fetch-changes';
import { noteMissing } from './missing-records';
import { openPage, type PageItem } from './open-page';
import { earlierCursor, prepareRetries } from './quarantine-retry';
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
  /** Where the page was fetched from, and where the feed goes on after it. */
  since: string;
  cursor: string;
}

function enabledIn(ctx: EngineContext): (collection: CollectionName) => boolean {
  return (collection) => ctx.settings.collections[collection];
}

/** Items of the page that would delete a record live on this device. */
async function localDeletions(ctx: EngineContext, items: PageItem[]): Promise<Set<OpenedItem>> {
  const deletes = items.filter(
    (item): item is OpenedItem => item.kind === 'opened' && item.record.data === null,
  );
  const hits = new Set<OpenedItem>();
  if (deletes.length === 0) return hits;
  const store = readRows(ctx.db, 'records');
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
  const quarantineInUse = (await ctx.db.count('quarantine')) > 0;
  const rewind = await prepareRetries(ctx, quarantineInUse);
  // Records withheld (omission/): the feed is listed again from zero now and then.
  const relist = full ? null : await omissionRewind(ctx);
  let since = full ? '0' : earlierCursor(meta.cursor as string, relist ?? rewind);
  // A listing from zero over existing bases (after 410, or from a cursor still at zero, which
  // the server never refuses) tells which synced records the server no longer lists.
  const seen = meta.fullResync || meta.cursor === '0' ? new Set<string>() : undefined;
  const fresh = full && (await ctx.db.count('records')) === 0 ? new Set<string>() : undefined;
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
        since: page.since,
        modeOf,
        quarantineInUse,
        seen,
        ...(fresh ? { fresh } : {}),
      }),
    );
  };

  // Fetching and decrypting a page needs nothing from the database: the next page is fetched and
  // opened while this one is applied, so the network, WebCrypto and IndexedDB's commit overlap.
  // Only ever one request in flight; if this page fails, the next one is simply never read.
  // State manifests travel in the feed under their own token; they are no records.
  const manifests = await manifestToken(deps.cipher.keys);
  const fetchAndOpen = async (cursor: string) => {
    const response = await fetchChanges(deps, cursor);
    const records = response.changes.filter((change) => change.collection !== manifests);
    const sealed = response.changes.filter((change) => change.collection === manifests);
    return {
      response,
      items: await openPage(deps.cipher, records, enabled),
      manifests: await openManifests(deps.cipher.keys, sealed),
    };
  };
  let next = fetchAndOpen(since);
  for (;;) {
    let response: ChangesResponse;
    let items: PageItem[];
    let opened: Awaited<ReturnType<typeof openManifests>>;
    try {
      ({ response, items, manifests: opened } = await next);
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
    if (opened.refused > 0)
      ctx.log({ level: 'warn', event: 'manifest_refused', count: opened.refused });
    // Kept before the page moves the cursor past them: a crash in between only re-reads them.
    await keepManifests(ctx, opened.arrived);
    result.pulled += items.length;
    const page = { items, since, cursor: response.cursor };
    const hits = options.keepLocal ? new Set<OpenedItem>() : await localDeletions(ctx, items);
    for (const hit of hits) deletions.add(hit);
    if (buffered.length > 0 || hits.size > 0) buffered.push(page);
    else await apply(page);
    // The server's "remaining" only sizes the bar; a lie shows a wrong bar, nothing else.
    const ahead = response.has_more
      ? Math.max(1, response.remaining ?? deps.limits.max_changes_limit)
      : 0;
    deps.progress(
      result.pulled,
      result.pulled + ahead,
      response.remaining !== undefined && ahead > 0,
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

  if (seen) await noteMissing(ctx, seen);
  return result;
}
