/**
 * Safe first join: a device that already holds data joining an account that holds data never
 * overwrites anything silently. It reports a pending choice with what each option would change:
 * merge (the default), use the account's data, or upload this device's.
 */
import type { CollectionName } from '../collections';
import type { Fields } from '../collections/validate';
import type { EngineContext } from '../context';
import { readRows, rowStore } from '../db/sealed-rows';
import { RECORD_STORES } from '../db/tx';
import { jsonEqual } from '../merge/equal';
import { abortQuietly } from '../records/commit-local';
import { appendHistory } from '../records/history';
import type { SyncDeps } from './deps';
import { fetchChanges } from './fetch-changes';
import { openPage } from './open-page';
import { updateSyncMeta } from './sync-meta';

export type FirstJoinChoice = 'merge' | 'useAccount' | 'uploadLocal';

export interface FirstJoinDecision {
  kind: 'firstJoin';
  /** Live records on this device and in the account (collections that sync). */
  localRecords: number;
  accountRecords: number;
  /** What each choice would do; `here` is this device, `account` the server copy. */
  merge: { addedHere: number; uploaded: number; combined: number; unchanged: number };
  useAccount: { addedHere: number; replacedHere: number; removedHere: number };
  uploadLocal: { uploaded: number; replacedInAccount: number; removedFromAccount: number };
}

const keyOf = (collection: CollectionName, id: string) => `${collection}/${id}`;

async function localLive(ctx: EngineContext): Promise<Map<string, Fields>> {
  const rows = await readRows(ctx.db, 'records').getAll();
  const live = new Map<string, Fields>();
  for (const row of rows) {
    if (row.data && ctx.settings.collections[row.collection])
      live.set(keyOf(row.collection, row.id), row.data);
  }
  return live;
}

async function accountLive(deps: SyncDeps): Promise<Map<string, Fields>> {
  const live = new Map<string, Fields>();
  let since = '0';
  for (;;) {
    const page = await fetchChanges(deps, since);
    for (const item of await openPage(
      deps.cipher,
      page.changes,
      (c) => deps.ctx.settings.collections[c],
    )) {
      if (item.kind !== 'opened') continue;
      const key = keyOf(item.record.collection, item.record.id);
      if (item.record.data) live.set(key, item.record.data);
      else live.delete(key);
    }
    since = page.cursor;
    if (!page.has_more) return live;
  }
}

/** The pending choice, or null when there is nothing to choose (either side is empty). */
export async function assessFirstJoin(deps: SyncDeps): Promise<FirstJoinDecision | null> {
  const local = await localLive(deps.ctx);
  if (local.size === 0) return null;
  const account = await accountLive(deps);
  if (account.size === 0) return null;
  let both = 0;
  let differing = 0;
  for (const [key, data] of local) {
    const remote = account.get(key);
    if (!remote) continue;
    both += 1;
    if (!jsonEqual(remote, data)) differing += 1;
  }
  const onlyLocal = local.size - both;
  const onlyAccount = account.size - both;
  return {
    kind: 'firstJoin',
    localRecords: local.size,
    accountRecords: account.size,
    merge: {
      addedHere: onlyAccount,
      uploaded: onlyLocal,
      combined: differing,
      unchanged: both - differing,
    },
    useAccount: { addedHere: onlyAccount, replacedHere: differing, removedHere: onlyLocal },
    uploadLocal: {
      uploaded: onlyLocal,
      replacedInAccount: differing,
      removedFromAccount: onlyAccount,
    },
  };
}

/**
 * "Use the account's data": this device's records in syncing collections go (their history
 * stays, so each can still be restored) before the normal pull brings the account's.
 */
export async function discardLocalForJoin(ctx: EngineContext): Promise<void> {
  const tx = ctx.db.transaction(RECORD_STORES, 'readwrite');
  try {
    const records = rowStore(tx, 'records');
    for (const row of await records.getAll()) {
      if (!ctx.settings.collections[row.collection]) continue;
      const key: [CollectionName, string] = [row.collection, row.id];
      if (row.data) await appendHistory(tx, row, 'remote', ctx.clock.now(), ctx.historyDepth);
      await records.delete(key);
      await tx.objectStore('outbox').delete(key);
      await rowStore(tx, 'conflicts').delete(key);
    }
    await updateSyncMeta(tx, { joinChoice: 'useAccount' });
    await tx.done;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}
