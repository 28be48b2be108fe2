/** Saves a settings change; returns the collections it switched back on. */
import { COLLECTION_NAMES, type CollectionName } from './collections';
import type { EngineContext } from './context';
import { applySettingsPatch, type SettingsPatch } from './settings';
import { readSyncMeta, updateSyncMeta } from './sync/sync-meta';

export async function saveSettings(
  ctx: EngineContext,
  patch: SettingsPatch,
): Promise<CollectionName[]> {
  const next = applySettingsPatch(ctx.settings, patch);
  const reenabled = COLLECTION_NAMES.filter(
    (name) => next.collections[name] && !ctx.settings.collections[name],
  );
  const tx = ctx.db.transaction('meta', 'readwrite');
  await tx.store.put(next, 'settings');
  if (reenabled.length > 0) {
    // Changes to a switched-off collection were skipped by pulls: fetch everything again.
    const meta = await readSyncMeta(tx);
    if (meta.cursor !== null) await updateSyncMeta(tx, { fullResync: true });
  }
  await tx.done;
  ctx.settings = next;
  return reenabled;
}
