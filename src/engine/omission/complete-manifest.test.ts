import { describe, expect, it } from 'vitest';
import type { PeerManifestChunk } from '../db/schema';
import { completeManifest } from './find-withheld';

const chunk = (counter: number, chunks: number, rev = 1): PeerManifestChunk => ({
  rev,
  counter,
  chunks,
  device: 'dev',
  hlc: '2026-12-04T10:00:00.000Z-0000-w1',
  lists: {},
});

describe('completeManifest', () => {
  it('takes a publication only when every chunk of its counter is held', () => {
    expect(completeManifest({ 0: chunk(3, 2), 1: chunk(3, 2) })).toHaveLength(2);
    expect(completeManifest({ 0: chunk(3, 2) })).toBeNull();
    expect(completeManifest({})).toBeNull();
  });

  it('a newer chunk whose siblings have not arrived yet leaves the peer out for now', () => {
    expect(completeManifest({ 0: chunk(3, 2), 1: chunk(4, 2) })).toBeNull();
    expect(completeManifest({ 0: chunk(4, 1), 1: chunk(3, 2) })).toHaveLength(1);
  });
});
