/**
 * Bodies a lying server floods a device with, made without holding them: a stream that yields
 * fresh chunks on demand (what the device pulls is all that is ever made), a gzip bomb compressed
 * from a reused block of zeros, and the ways a device's fetch inflates one. Plus a memory probe
 * that samples while something runs. Works in Node and in the browser.
 */

const CHUNK = 64 * 1024;

/**
 * `bytes` of a JSON-looking body, made chunk by chunk as the reader pulls. Every chunk is a new
 * buffer, so a reader that kept them all would show in memory as it should.
 */
export function lazyJsonBody(bytes: number): {
  body: ReadableStream<Uint8Array>;
  pulled(): number;
} {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const size = Math.min(CHUNK, bytes - sent);
      const chunk = new Uint8Array(size).fill(0x20);
      if (sent === 0) chunk.set(new TextEncoder().encode('{"changes":['));
      sent += size;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled: () => sent };
}

/** Gzip of `inflated` bytes of spaces, compressed from one reused block (deflate tops at ~1000:1). */
export async function gzipBomb(inflated: number): Promise<Uint8Array> {
  const block = new Uint8Array(1024 * 1024).fill(0x20);
  let fed = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (fed >= inflated) return controller.close();
      const size = Math.min(block.length, inflated - fed);
      fed += size;
      controller.enqueue(size === block.length ? block : block.subarray(0, size));
    },
  });
  const compressed = source.pipeThrough(
    new CompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}

/**
 * The bomb inflated as a browser's fetch does for `content-encoding: gzip`: lazily, as read. Fed
 * in 1 KB slices, as from the network: a DecompressionStream inflates each input chunk whole, so
 * one large slice of a bomb would come out as one huge chunk before any reader could refuse it.
 */
export function inflating(gzip: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= gzip.byteLength) return controller.close();
      controller.enqueue(gzip.slice(at, at + 1024));
      at += 1024;
    },
  });
  return source.pipeThrough(
    new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
}

interface NodeHttp {
  createServer(
    handler: (
      request: unknown,
      response: {
        writeHead(status: number, headers: Record<string, string | number>): void;
        end(body: Uint8Array): void;
      },
    ) => void,
  ): {
    listen(port: number, host: string, ready: () => void): void;
    address(): { port: number };
    close(): void;
    closeAllConnections?(): void;
  };
}

/** Node's own modules without an import a browser bundle would trip on (Node ≥ 20.16). */
function nodeModule<T>(id: string): T | null {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  return (process?.getBuiltinModule?.(id) as T | undefined) ?? null;
}

/**
 * In Node, a real HTTP server answering every request with `gzip` sent as
 * `content-encoding: gzip`, so the bomb goes through fetch's own decoding; null in a browser,
 * whose page cannot open a server.
 */
export async function serveGzip(gzip: Uint8Array): Promise<{ url: string; close(): void } | null> {
  const http = nodeModule<NodeHttp>('node:http');
  if (!http) return null;
  const server = http.createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': gzip.byteLength,
    });
    response.end(gzip);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => {
      server.closeAllConnections?.();
      server.close();
    },
  };
}

export interface MemoryFigures {
  /** Where the figures come from: Node's process, or Chromium's (coarse) page heap. */
  source: 'node' | 'chromium' | 'none';
  /** Peak growth over the baseline while `run` ran, in bytes: JS heap plus array buffers. */
  heapGrowth: number;
  /** Peak growth of the resident set (Node only; 0 elsewhere). */
  rssGrowth: number;
}

function sample(): { heap: number; rss: number; source: MemoryFigures['source'] } {
  const process = (
    globalThis as {
      process?: {
        memoryUsage?: () => { heapUsed: number; external: number; rss: number };
      };
    }
  ).process;
  const usage = process?.memoryUsage?.();
  if (usage) return { heap: usage.heapUsed + usage.external, rss: usage.rss, source: 'node' };
  const memory = (performance as { memory?: { usedJSHeapSize: number } }).memory;
  if (memory) return { heap: memory.usedJSHeapSize, rss: 0, source: 'chromium' };
  return { heap: 0, rss: 0, source: 'none' };
}

/** Runs `run` while sampling memory every few milliseconds; reports the peak growth. */
export async function measureMemory<T>(
  run: () => Promise<T>,
): Promise<{ result: T; figures: MemoryFigures }> {
  const base = sample();
  let peakHeap = base.heap;
  let peakRss = base.rss;
  const timer = setInterval(() => {
    const now = sample();
    peakHeap = Math.max(peakHeap, now.heap);
    peakRss = Math.max(peakRss, now.rss);
  }, 2);
  try {
    const result = await run();
    const end = sample();
    peakHeap = Math.max(peakHeap, end.heap);
    peakRss = Math.max(peakRss, end.rss);
    return {
      result,
      figures: {
        source: base.source,
        heapGrowth: peakHeap - base.heap,
        rssGrowth: peakRss - base.rss,
      },
    };
  } finally {
    clearInterval(timer);
  }
}
