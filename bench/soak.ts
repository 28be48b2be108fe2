/**
 * Server soak: the load benchmark's sync mix (each device pushes one ~1 KiB record, then pulls
 * the feed) offered at a steady rate for minutes, against the real server as its own process, on
 * PostgreSQL and on PGlite. Every 10 s the server collects garbage and reports its memory (RSS
 * and the heap it keeps); the benchmark prints, minute by minute, requests, errors, p50/p99 and
 * memory, then the first minute beside the last. A server that leaks shows a last minute above
 * the first; one that slows shows p99 climbing.
 *
 *   npx tsx bench/soak.ts [--minutes 10] [--backend both|postgres|pglite] [--devices 100]
 *                         [--rate <req/s>] [--devices-per-account 4]
 *
 * The rate (default 400 req/s on PostgreSQL, 100 on PGlite) is below each backend's ceiling on
 * this machine on purpose: a soak asks whether the server holds steady, not where it breaks
 * (bench/load.ts answers that).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type BackendName, backendsFor } from './load/backends';
import { type ServerProcess, startServerProcess, stopServerProcess } from './load/server-process';
import { percentile, pull, push, type SimDevice, setUpDevices } from './load/sim-devices';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    backend: { type: 'string', default: 'both' },
    devices: { type: 'string', default: '100' },
    'devices-per-account': { type: 'string', default: '4' },
    rate: { type: 'string' },
  },
});
const MINUTES = Number(args.minutes);
const DEVICES = Number(args.devices);
const PER_ACCOUNT = Number(args['devices-per-account']);
const DEFAULT_RATE: Record<BackendName, number> = { PostgreSQL: 400, PGlite: 100 };
const rateOf = (backend: BackendName) =>
  args.rate === undefined ? DEFAULT_RATE[backend] : Number(args.rate);
const SAMPLE_MS = 10_000;
const MINUTE_MS = 60_000;
if (!(MINUTES > 0) || !(DEVICES > 0) || !(rateOf('PGlite') > 0)) throw new Error('bad arguments');

interface MemorySample {
  at: number;
  rss: number;
  heapUsed: number;
}

interface Minute {
  latencies: number[];
  errors: number;
  memory: MemorySample[];
}

interface Soak {
  name: BackendName;
  rate: number;
  minutes: Minute[];
  /** Up to three distinct error messages, as they came. */
  errorKinds: string[];
}

const MB = 1024 * 1024;
const b64url = (bytes: Buffer) => bytes.toString('base64url');
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/**
 * One push + pull per device on a fixed schedule so that all devices together offer RATE
 * requests/s; latency counts from when a request was due (no coordinated omission). Unlike the
 * load benchmark, a failure is counted and the soak goes on.
 */
async function soak(devices: SimDevice[], server: ServerProcess, name: BackendName): Promise<Soak> {
  const rate = rateOf(name);
  const minutes: Minute[] = Array.from({ length: MINUTES }, () => ({
    latencies: [],
    errors: 0,
    memory: [],
  }));
  const errorKinds: string[] = [];
  const start = performance.now();
  const startedAt = Date.now();
  const end = start + MINUTES * MINUTE_MS;
  const minuteOf = (at: number) => Math.min(MINUTES - 1, Math.floor((at - start) / MINUTE_MS));
  server.child.on('message', (message: unknown) => {
    const sample = message as { kind?: string } & MemorySample;
    if (sample.kind !== 'memory') return;
    const since = sample.at - startedAt;
    if (since < 0 || since > MINUTES * MINUTE_MS) return;
    minutes[Math.min(MINUTES - 1, Math.floor(since / MINUTE_MS))]?.memory.push(sample);
  });
  const collection = b64url(randomBytes(16));
  const periodMs = (2 * devices.length * 1000) / rate;
  let lastReport = start;
  await Promise.all(
    devices.map(async (device, index) => {
      let cycleDue = start + (periodMs * index) / devices.length;
      while (cycleDue < end) {
        const wait = cycleDue - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        let due = cycleDue;
        for (const request of [() => push(device, collection), () => pull(device)]) {
          const from = Math.min(performance.now(), due);
          const minute = minutes[minuteOf(from)] as Minute;
          try {
            await request();
          } catch (error) {
            minute.errors += 1;
            const text = error instanceof Error ? error.message : String(error);
            if (errorKinds.length < 3 && !errorKinds.includes(text)) errorKinds.push(text);
          }
          const done = performance.now();
          minute.latencies.push(done - from);
          due = done;
        }
        cycleDue += periodMs;
        if (performance.now() - lastReport > MINUTE_MS) {
          lastReport = performance.now();
          const at = minuteOf(lastReport - 1);
          process.stderr.write(`  ${name}: minute ${at + 1} of ${MINUTES} done\n`);
        }
      }
    }),
  );
  return { name, rate, minutes, errorKinds };
}

async function soakBackend(name: BackendName, env: Record<string, string>): Promise<Soak> {
  const reporter = new URL('./soak/report-memory.mjs', import.meta.url).pathname;
  const server = await startServerProcess({
    env: { ...env, SOAK_SAMPLE_MS: String(SAMPLE_MS) },
    nodeArgs: ['--expose-gc', '--import', reporter],
    ipc: true,
  });
  try {
    const devices = await setUpDevices([server.url], DEVICES, PER_ACCOUNT);
    return await soak(devices, server, name);
  } finally {
    await stopServerProcess(server);
  }
}

function report(result: Soak): void {
  const fmt = (n: number, digits = 1) => (Number.isNaN(n) ? '-' : n.toFixed(digits)).padStart(8);
  console.log(`\n${result.name}, push + pull paced at ${result.rate} req/s`);
  console.log('minute  requests    req/s   p50 ms   p99 ms   errors   RSS MB  heap MB');
  for (const [index, minute] of result.minutes.entries()) {
    const sorted = [...minute.latencies].sort((a, b) => a - b);
    console.log(
      `${String(index + 1).padStart(6)} ${String(sorted.length).padStart(9)} ${fmt(sorted.length / 60, 0)} ${fmt(percentile(sorted, 50))} ${fmt(percentile(sorted, 99))} ${String(minute.errors).padStart(8)} ${fmt(mean(minute.memory.map((m) => m.rss)) / MB)} ${fmt(mean(minute.memory.map((m) => m.heapUsed)) / MB)}`,
    );
  }
  const first = result.minutes[0] as Minute;
  const last = result.minutes[result.minutes.length - 1] as Minute;
  const side = (what: 'rss' | 'heapUsed') => {
    const a = mean(first.memory.map((m) => m[what])) / MB;
    const b = mean(last.memory.map((m) => m[what])) / MB;
    return `${a.toFixed(1)} -> ${b.toFixed(1)} MB (${(b / a).toFixed(2)}x)`;
  };
  const errors = result.minutes.reduce((sum, m) => sum + m.errors, 0);
  console.log(
    `first vs last minute: RSS ${side('rss')}, heap kept ${side('heapUsed')}; errors ${errors}`,
  );
  for (const kind of result.errorKinds) console.log(`  error: ${kind}`);
}

async function main(): Promise<void> {
  const { backends, cleanUp } = backendsFor(args.backend);
  console.log(
    `Satchel server soak: ${DEVICES} devices (${PER_ACCOUNT} per account), ${MINUTES} min per backend; ` +
      `memory sampled every ${SAMPLE_MS / 1000} s after a full GC`,
  );
  try {
    for (const backend of backends) report(await soakBackend(backend.name, await backend.env()));
  } finally {
    cleanUp();
  }
}

await main();
