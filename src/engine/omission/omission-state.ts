/** The `omission` meta entry: read with defaults, and peers' manifest chunks kept as they arrive. */
import type { RemoteRecord } from '../../protocol';
import type { EngineContext } from '../context';
import type { AccountKeys } from '../crypto';
import type { EngineDatabase } from '../db/open';
import type { OmissionMeta } from '../db/schema';
import { type ManifestPlaintext, openManifest } from './manifest-seal';

export function initialOmission(): OmissionMeta {
  return {
    own: { counter: 0, publishedAt: 0, digest: null, revs: [] },
    peers: {},
    report: null,
  };
}

export async function readOmission(db: EngineDatabase): Promise<OmissionMeta> {
  return ((await db.get('meta', 'omission')) as OmissionMeta | undefined) ?? initialOmission();
}

export async function writeOmission(db: EngineDatabase, meta: OmissionMeta): Promise<void> {
  await db.put('meta', meta, 'omission');
}

export interface ArrivedManifest {
  rev: number;
  plain: ManifestPlaintext;
}

/**
 * Keeps each chunk only when its sealed revision is newer than the one held: an older manifest
 * replayed under its own revision changes nothing. This device's own chunks only teach it the
 * revisions its next publication must build on.
 */
export async function keepManifests(ctx: EngineContext, arrived: ArrivedManifest[]): Promise<void> {
  if (arrived.length === 0) return;
  const meta = await readOmission(ctx.db);
  for (const { rev, plain } of arrived) {
    if (plain.writer === ctx.deviceId) {
      meta.own.revs[plain.chunk] = Math.max(meta.own.revs[plain.chunk] ?? 0, rev);
      continue;
    }
    const chunks = meta.peers[plain.writer] ?? {};
    const held = chunks[plain.chunk];
    if (held && held.rev >= rev) continue;
    chunks[plain.chunk] = {
      rev,
      counter: plain.counter,
      chunks: plain.chunks,
      device: plain.device,
      hlc: plain.hlc,
      lists: plain.lists,
    };
    meta.peers[plain.writer] = chunks;
  }
  await writeOmission(ctx.db, meta);
}

/** Opens the manifest chunks of a page; one that does not open is left out (and counted). */
export async function openManifests(
  keys: AccountKeys,
  changes: RemoteRecord[],
): Promise<{ arrived: ArrivedManifest[]; refused: number }> {
  const arrived: ArrivedManifest[] = [];
  let refused = 0;
  for (const remote of changes) {
    const plain = await openManifest(keys, remote);
    if (plain) arrived.push({ rev: remote.rev, plain });
    else refused += 1;
  }
  return { arrived, refused };
}
