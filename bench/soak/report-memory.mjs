/**
 * Preloaded into the server process by bench/soak.ts (`node --expose-gc --import`): every
 * SOAK_SAMPLE_MS it collects garbage and sends the process's memory to the benchmark over IPC, so
 * the heap figure is what the server keeps, not what it has not collected yet. Plain JavaScript:
 * it loads before tsx does.
 */
const every = Number(process.env.SOAK_SAMPLE_MS ?? 10_000);

function sample() {
  globalThis.gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.send?.({ kind: 'memory', at: Date.now(), rss, heapUsed, external, arrayBuffers });
}

// Neither the timer nor the channel keeps the server alive once it is asked to stop.
setInterval(sample, every).unref();
process.channel?.unref();
sample();
