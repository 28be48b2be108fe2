/**
 * The compact list a state manifest carries for one collection: for each record a device holds,
 * 6 bytes of a hash of its id and a varint of `rev * 2 + deleted`. Sealed like any record, so the
 * hashes need no secret: they only have to make a record of the list findable here. Two ids of
 * one collection sharing 48 hash bits can hide an omission, never invent one.
 */
import { fromBase64url, toBase64url } from '../../protocol/base64url';

export const HASH_BYTES = 6;

export interface ManifestEntry {
  /** The record id's hash, as 12 hex digits. */
  hash: string;
  rev: number;
  deleted: boolean;
}

/** cyrb53: a fast 53-bit string hash; 48 of its bits are kept. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export function idHash(id: string): string {
  return (hash53(id) % 2 ** (HASH_BYTES * 8)).toString(16).padStart(HASH_BYTES * 2, '0');
}

function pushVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

export function encodeEntries(entries: ManifestEntry[]): string {
  const out: number[] = [];
  for (const entry of entries) {
    for (let i = 0; i < HASH_BYTES; i += 1) {
      out.push(Number.parseInt(entry.hash.slice(i * 2, i * 2 + 2), 16));
    }
    pushVarint(out, entry.rev * 2 + (entry.deleted ? 1 : 0));
  }
  return toBase64url(new Uint8Array(out));
}

/** Throws on a list that does not parse: the caller treats the manifest as unreadable. */
export function decodeEntries(text: string): ManifestEntry[] {
  const bytes = fromBase64url(text);
  if (!bytes) throw new Error('manifest list is not base64url');
  const entries: ManifestEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + HASH_BYTES >= bytes.length) throw new Error('manifest list ends inside an entry');
    let hash = '';
    for (let i = 0; i < HASH_BYTES; i += 1)
      hash += (bytes[at + i] as number).toString(16).padStart(2, '0');
    at += HASH_BYTES;
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[at];
      if (byte === undefined || scale > 2 ** 56)
        throw new Error('manifest revision does not parse');
      at += 1;
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
      if (byte < 0x80) break;
    }
    if (!Number.isSafeInteger(value)) throw new Error('manifest revision is out of range');
    entries.push({ hash, rev: Math.floor(value / 2), deleted: value % 2 === 1 });
  }
  return entries;
}

/** Bytes one entry takes at most before base64 (a revision below 2^34). */
export const ENTRY_BYTES_MAX = HASH_BYTES + 5;
