/**
 * The comparison at the end of a pull that reached the head of the feed: every record a peer's
 * latest complete manifest lists at revision r must be held here at r or later (a pending edit
 * counts with its base). Not per page: the feed keeps only the latest version of each record, so
 * mid-pull a record may simply not have arrived yet; at the head, everything a peer wrote before
 * its manifest has come, or a later version of it has.
 *
 * A record held older, or a live record not held at all, is withheld. A tombstone of a record
 * never held here is not: nothing stale is shown for it. Collections this device does not sync
 * and records already quarantined (reported on their own) are left out.
 */
import { isCollectionName } from '../collections';
import type { EngineContext } from '../context';
import type { PeerManifestChunk } from '../db/schema';
import { rowStore } from '../db/sealed-rows';
import { decodeEntries, idHash } from './manifest-codec';

export interface Withheld {
  count: number;
  /** Server device ids of the peers whose manifests revealed them, with how many each. */
  byDevice: Map<string, number>;
  /** Manifests whose lists did not decode (sealed by a peer, so a peer's bug): logged. */
  unreadable: number;
}

/** The chunks of a peer's latest publication, or null while it is incomplete here. */
export function completeManifest(
  chunks: Record<number, PeerManifestChunk>,
): PeerManifestChunk[] | null {
  const all = Object.values(chunks);
  if (all.length === 0) return null;
  const counter = Math.max(...all.map((chunk) => chunk.counter));
  const first = chunks[0];
  if (!first || first.counter !== counter) return null;
  const out: PeerManifestChunk[] = [];
  for (let i = 0; i < first.chunks; i += 1) {
    const chunk = chunks[i];
    if (!chunk || chunk.counter !== counter || chunk.chunks !== first.chunks) return null;
    out.push(chunk);
  }
  return out;
}

/** Per collection, the revision held for each id hash (0: never acknowledged by the server). */
async function localIndex(ctx: EngineContext): Promise<Map<string, Map<string, number>>> {
  const tx = ctx.db.transaction(['records', 'quarantine']);
  const [rows, quarantined] = await Promise.all([
    rowStore(tx, 'records').getAll(),
    tx.objectStore('quarantine').getAll(),
  ]);
  const index = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const hashes = index.get(row.collection) ?? new Map<string, number>();
    const hash = idHash(row.id);
    hashes.set(hash, Math.max(hashes.get(hash) ?? 0, row.base?.rev ?? 0));
    index.set(row.collection, hashes);
  }
  // Reported as quarantined already: counted as held so they are not reported twice.
  for (const row of quarantined) {
    if (!row.collection) continue;
    const hashes = index.get(row.collection) ?? new Map<string, number>();
    hashes.set(idHash(row.id), Number.MAX_SAFE_INTEGER);
    index.set(row.collection, hashes);
  }
  return index;
}

export async function findWithheld(
  ctx: EngineContext,
  peers: Record<string, Record<number, PeerManifestChunk>>,
): Promise<Withheld> {
  const result: Withheld = { count: 0, byDevice: new Map(), unreadable: 0 };
  const manifests = Object.values(peers)
    .map(completeManifest)
    .filter((chunks): chunks is PeerManifestChunk[] => chunks !== null);
  if (manifests.length === 0) return result;
  const index = await localIndex(ctx);
  // A record two peers both list is one record withheld.
  const records = new Set<string>();
  for (const chunks of manifests) {
    let missing = 0;
    for (const chunk of chunks) {
      for (const [collection, list] of Object.entries(chunk.lists)) {
        if (!isCollectionName(collection) || !ctx.settings.collections[collection]) continue;
        const held = index.get(collection);
        let entries: ReturnType<typeof decodeEntries>;
        try {
          entries = decodeEntries(list);
        } catch {
          result.unreadable += 1;
          continue;
        }
        for (const entry of entries) {
          const rev = held?.get(entry.hash);
          if (rev === undefined ? entry.deleted : rev >= entry.rev) continue;
          missing += 1;
          records.add(`${collection}/${entry.hash}`);
        }
      }
    }
    if (missing === 0) continue;
    const device = (chunks[0] as PeerManifestChunk).device;
    result.byDevice.set(device, (result.byDevice.get(device) ?? 0) + missing);
  }
  result.count = records.size;
  return result;
}
