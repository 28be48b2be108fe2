import { describe, expect, it } from 'vitest';
import { readBounded } from './read-body';

/** A body that yields `chunks` chunks of `size` bytes on demand, counting what was pulled. */
function lazyBody(chunks: number, size: number) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled === chunks) return controller.close();
      seen.pulled += 1;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

describe('readBounded', () => {
  it('reads a body within the cap, split over chunks', async () => {
    const text = JSON.stringify({ greeting: 'héllo', n: [1, 2, 3] });
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 5) controller.enqueue(bytes.slice(at, at + 5));
        controller.close();
      },
    });
    expect(await readBounded(new Response(stream), 1000, 'GET /x')).toBe(text);
    expect(await readBounded(new Response(null), 10, 'GET /x')).toBe('');
  });

  it('stops pulling and cancels the stream once the cap is passed', async () => {
    const { stream, seen } = lazyBody(10_000, 1024);
    await expect(
      readBounded(new Response(stream), 8 * 1024, 'GET /v1/changes'),
    ).rejects.toMatchObject({ code: 'response_too_large', retriable: false });
    expect(seen.pulled).toBeLessThanOrEqual(10);
    expect(seen.cancelled).toBe(true);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    const { stream, seen } = lazyBody(10, 1024);
    const response = new Response(stream, { headers: { 'content-length': '10240' } });
    await expect(readBounded(response, 1024, 'GET /v1/info')).rejects.toMatchObject({
      code: 'response_too_large',
    });
    expect(seen.pulled).toBeLessThanOrEqual(1);
  });

  it('accepts a body exactly at the cap', async () => {
    const { stream } = lazyBody(4, 256);
    expect((await readBounded(new Response(stream), 1024, 'GET /x')).length).toBe(1024);
  });
});
