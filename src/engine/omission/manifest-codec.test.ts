import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../protocol';
import { deriveAccountKeys, generateMasterKey } from '../crypto';
import { randomId } from '../ids';
import { decodeEntries, encodeEntries, idHash, type ManifestEntry } from './manifest-codec';
import { sealManifest } from './manifest-seal';
import { chunkLists, entriesPerChunk } from './publish-manifest';

describe('manifest entries', () => {
  it('round-trip hashes, revisions and the deleted flag, including large revisions', () => {
    const entries: ManifestEntry[] = [
      { hash: idHash('a'), rev: 1, deleted: false },
      { hash: idHash('b'), rev: 63, deleted: true },
      { hash: idHash('c'), rev: 64, deleted: false },
      { hash: idHash('d'), rev: 2 ** 40, deleted: true },
      { hash: idHash('e'), rev: 2 ** 52 - 1, deleted: false },
    ];
    expect(decodeEntries(encodeEntries(entries))).toEqual(entries);
    expect(decodeEntries(encodeEntries([]))).toEqual([]);
  });

  it('hashes are stable 12-hex-digit strings that tell ids apart', () => {
    expect(idHash('profile-1')).toBe(idHash('profile-1'));
    expect(idHash('profile-1')).toMatch(/^[0-9a-f]{12}$/);
    const seen = new Set(Array.from({ length: 20_000 }, () => idHash(randomId())));
    expect(seen.size).toBe(20_000);
  });

  it('a list cut short or not base64url does not decode (the manifest is then ignored)', () => {
    const text = encodeEntries([{ hash: idHash('a'), rev: 300, deleted: false }]);
    expect(() => decodeEntries(text.slice(0, 9))).toThrow();
    expect(() => decodeEntries('not base64!')).toThrow();
  });

  it('chunks stay within the server payload limit; sizes for 1,000 and 10,000 records', async () => {
    const keys = await deriveAccountKeys(generateMasterKey(), 'acct-1', 1);
    const per = entriesPerChunk(DEFAULT_LIMITS.max_payload_bytes);
    const sizes: Record<number, { chunks: number; listChars: number; sealedChars: number }> = {};
    for (const count of [1000, 10_000]) {
      const held = Array.from({ length: count }, (_, i) => ({
        collection: 'profiles' as const,
        entry: { hash: idHash(randomId()), rev: 1 + (i % 500), deleted: i % 10 === 0 },
      }));
      const chunks = chunkLists(held, per);
      const listChars = chunks.reduce((sum, lists) => sum + JSON.stringify(lists).length, 0);
      let sealedChars = 0;
      for (const [chunk, lists] of chunks.entries()) {
        const payload = await sealManifest(
          keys,
          {
            v: 1,
            kind: 'manifest',
            writer: 'w1',
            device: '00000000-0000-4000-8000-000000000000',
            counter: 1,
            hlc: '2026-12-04T10:00:00.000Z-0000-w1',
            chunk,
            chunks: chunks.length,
            lists,
          },
          1,
        );
        expect(payload.length).toBeLessThanOrEqual(DEFAULT_LIMITS.max_payload_bytes);
        sealedChars += payload.length;
      }
      sizes[count] = { chunks: chunks.length, listChars, sealedChars };
    }
    console.info('manifest sizes', JSON.stringify(sizes), 'entries per chunk', per);
    expect(sizes[1000]?.chunks).toBe(1);
    expect(sizes[10_000]?.chunks).toBeLessThanOrEqual(4);
  });
});
