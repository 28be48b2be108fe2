/**
 * Publishes this device's state manifest: for every record it holds with a revision the server
 * acknowledged, (id hash, revision, deleted), chunked to fit the server's record size limit.
 * Only when the state changed since the last publication, and at most once per interval, so an
 * idle account costs nothing and a busy one one small batch every few minutes.
 */
import type { BatchOp } from '../../protocol';
import type { CollectionName } from '../collections';
import { readRows } from '../db/sealed-rows';
import { randomId } from '../ids';
import type { SyncDeps } from '../sync/deps';
import { ENTRY_BYTES_MAX, encodeEntries, idHash, type ManifestEntry } from './manifest-codec';
import { type ManifestPlaintext, manifestId, manifestToken, sealManifest } from './manifest-seal';
import { readOmission, writeOmission } from './omission-state';

/** Default wait between two publications of a changed state. */
export const MANIFEST_INTERVAL_MS = 10 * 60 * 1000;

/** Room left in a chunk for the envelope and the JSON around the lists. */
const CHUNK_OVERHEAD_BYTES = 2048;

type Lists = Array<{ collection: CollectionName; entry: ManifestEntry }>;

async function heldEntries(deps: SyncDeps): Promise<Lists> {
  const rows = await readRows(deps.ctx.db, 'records').getAll();
  const out: Lists = [];
  for (const row of rows) {
    if (!row.base) continue;
    const entry = { hash: idHash(row.id), rev: row.base.rev, deleted: row.base.data === null };
    out.push({ collection: row.collection, entry });
  }
  out.sort((a, b) =>
    a.collection === b.collection
      ? a.entry.hash.localeCompare(b.entry.hash)
      : a.collection.localeCompare(b.collection),
  );
  return out;
}

/** Entries per chunk: base64 of the list, inside JSON, sealed and base64 again (×16/9). */
export function entriesPerChunk(maxPayloadBytes: number): number {
  const room = Math.max(0, maxPayloadBytes - CHUNK_OVERHEAD_BYTES);
  return Math.max(1, Math.floor((room * 9) / 16 / ENTRY_BYTES_MAX));
}

export function chunkLists(held: Lists, perChunk: number): Array<Record<string, string>> {
  const chunks: Array<Record<string, string>> = [];
  for (let at = 0; at < held.length; at += perChunk) {
    const byCollection = new Map<string, ManifestEntry[]>();
    for (const { collection, entry } of held.slice(at, at + perChunk)) {
      const list = byCollection.get(collection) ?? [];
      list.push(entry);
      byCollection.set(collection, list);
    }
    const lists: Record<string, string> = {};
    for (const [collection, entries] of byCollection) lists[collection] = encodeEntries(entries);
    chunks.push(lists);
  }
  return chunks;
}

/** Returns the number of chunks sent (0: nothing to publish yet). */
export async function publishManifest(deps: SyncDeps): Promise<number> {
  const { ctx, cipher } = deps;
  const meta = await readOmission(ctx.db);
  const now = ctx.clock.now();
  const interval = ctx.manifestIntervalMs ?? MANIFEST_INTERVAL_MS;
  // After a rotation the manifest is sealed again under the new key at once, so no chunk stays
  // readable under a key a revoked device holds, whatever the interval or the digest say.
  const rekeyed = meta.own.fingerprint !== undefined && meta.own.fingerprint !== cipher.fingerprint;
  if (!rekeyed && meta.own.publishedAt > 0 && now - meta.own.publishedAt < interval) return 0;
  const held = await heldEntries(deps);
  if (held.length === 0) return 0;
  const chunks = chunkLists(held, entriesPerChunk(deps.limits.max_payload_bytes));
  const digest = JSON.stringify(chunks);
  if (!rekeyed && digest === meta.own.digest) return 0;
  const device = deps.session.current?.deviceId ?? '';
  const counter = meta.own.counter + 1;
  const hlc = ctx.hlc.tick();
  const token = await manifestToken(cipher.keys);
  const ops: BatchOp[] = [];
  for (const [chunk, lists] of chunks.entries()) {
    const plain: ManifestPlaintext = {
      v: 1,
      kind: 'manifest',
      writer: ctx.deviceId,
      device,
      counter,
      hlc,
      chunk,
      chunks: chunks.length,
      lists,
    };
    const base = meta.own.revs[chunk] ?? null;
    ops.push({
      collection: token,
      id: manifestId(ctx.deviceId, chunk),
      base_rev: base,
      deleted: false,
      payload: await sealManifest(cipher.keys, plain, (base ?? 0) + 1),
      op_id: randomId(),
    });
  }
  // One batch per chunk keeps each request far under the batch byte limit.
  let complete = true;
  for (const op of ops) {
    const response = await deps.session.withAccess((server, accessToken) =>
      deps.api.batch(
        server,
        accessToken,
        { key_fingerprint: cipher.fingerprint, ops: [op] },
        deps.limits,
      ),
    );
    const result = response.results.find((r) => r.op_id === op.op_id);
    // Its own write: the stream's poke about it is not news to this device.
    if (result?.status === 'ok') deps.wrote?.(result.seq);
    const index = Number(op.id.slice(op.id.lastIndexOf('_m') + 2));
    if (result?.status === 'ok' && result.rev === (op.base_rev ?? 0) + 1) {
      meta.own.revs[index] = result.rev;
      continue;
    }
    complete = false;
    // Another copy of this device's manifest is there (a restored database): build on it next time.
    if (result?.status === 'conflict' && result.current && Number.isSafeInteger(result.current.rev))
      meta.own.revs[index] = result.current.rev;
  }
  meta.own = {
    ...meta.own,
    counter,
    publishedAt: now,
    digest: complete ? digest : null,
    ...(complete ? { fingerprint: cipher.fingerprint } : {}),
  };
  await writeOmission(ctx.db, meta);
  if (!complete) ctx.log({ level: 'warn', event: 'manifest_not_published', chunks: ops.length });
  return ops.length;
}
