/**
 * Server load benchmark: N simulated devices, each in a closed loop of push (POST /v1/batch, one
 * compare-and-set write of a ~1 KiB sealed-looking payload) then pull (GET /v1/changes from its
 * cursor), against the real server started as its own process, on PostgreSQL and on PGlite.
 * The baseline, measured in the same run against the same process, is GET /health at the same
 * concurrency: it is what the HTTP stack alone costs on this machine, so the ratio says how much
 * of the budget the sync path itself uses.
 *
 *   npx tsx bench/load.ts [--devices 100] [--seconds 10] [--backend both|postgres|pglite]
 *                         [--servers 1] [--devices-per-account 4] [--rate 1000]
 *                         [--profile <dir>]  (V8 CPU profile of each server process)
 *
 * PostgreSQL: TEST_DATABASE_URL when set, otherwise a throwaway cluster (scripts/ensure-deps.mjs).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { backendsFor } from './load/backends';
import { type ServerProcess, startServerProcess, stopServerProcess } from './load/server-process';
import {
  expectOk,
  PAYLOAD_BYTES,
  percentile,
  pull,
  push,
  type SimDevice,
  setUpDevices,
} from './load/sim-devices';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    backend: { type: 'string', default: 'both' },
    servers: { type: 'string', default: '1' },
    'devices-per-account': { type: 'string', default: '4' },
    rate: { type: 'string', default: '1000' },
    /** Folder for a V8 CPU profile of each server process (open in Chrome DevTools). */
    profile: { type: 'string' },
  },
});
const DEVICES = Number(args.devices);
const SECONDS = Number(args.seconds);
const SERVERS = Number(args.servers);
const PER_ACCOUNT = Number(args['devices-per-account']);
/** Target sync requests per second over all devices in the paced run. */
const RATE = Number(args.rate);
const WARMUP_MS = 2_000;

const b64url = (bytes: Buffer) => bytes.toString('base64url');

interface Sample {
  ms: number;
  ok: boolean;
}

/** Runs `step` in a closed loop per device; samples taken after the warm-up count. */
async function closedLoop(
  devices: SimDevice[],
  step: (device: SimDevice, time: (fn: () => Promise<void>) => Promise<void>) => Promise<void>,
): Promise<{ samples: Sample[]; seconds: number }> {
  const samples: Sample[] = [];
  const start = performance.now();
  const measureFrom = start + WARMUP_MS;
  const end = measureFrom + SECONDS * 1000;
  let failure: unknown;
  await Promise.all(
    devices.map(async (device) => {
      const time = async (fn: () => Promise<void>) => {
        const t0 = performance.now();
        let ok = true;
        try {
          await fn();
        } catch (error) {
          ok = false;
          failure ??= error;
        }
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= end) samples.push({ ms: t1 - t0, ok });
      };
      while (performance.now() < end && failure === undefined) await step(device, time);
    }),
  );
  if (failure !== undefined) throw failure;
  return { samples, seconds: SECONDS };
}

/**
 * Runs one push + pull cycle per device on a fixed schedule so that all devices together offer
 * RATE requests/s. Latency counts from when a request was due, not when it was sent, so a server
 * that falls behind shows it (no coordinated omission).
 */
async function pacedLoop(
  devices: SimDevice[],
  collection: string,
): Promise<{ samples: Sample[]; seconds: number }> {
  const samples: Sample[] = [];
  const periodMs = (2 * devices.length * 1000) / RATE;
  const start = performance.now();
  const measureFrom = start + WARMUP_MS;
  const end = measureFrom + SECONDS * 1000;
  let failure: unknown;
  await Promise.all(
    devices.map(async (device, index) => {
      // Cycles start on a fixed schedule whatever the last one took; a push counts from when its
      // cycle was due, the pull that follows it from when it was sent.
      let cycleDue = start + (periodMs * index) / devices.length;
      while (cycleDue < end && failure === undefined) {
        const wait = cycleDue - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        let due = cycleDue;
        for (const request of [() => push(device, collection), () => pull(device)]) {
          const t0 = performance.now();
          const from = Math.min(t0, due);
          let ok = true;
          try {
            await request();
          } catch (error) {
            ok = false;
            failure ??= error;
          }
          const t1 = performance.now();
          if (from >= measureFrom && t1 <= end) samples.push({ ms: t1 - from, ok });
          due = t1;
        }
        cycleDue += periodMs;
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return { samples, seconds: SECONDS };
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function summarise(run: { samples: Sample[]; seconds: number }): Figures {
  const sorted = run.samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    rps: run.samples.length / run.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: run.samples.filter((s) => !s.ok).length,
  };
}

async function benchBackend(name: string, env: Record<string, string>) {
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < SERVERS; i++) {
      const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
      servers.push(await startServerProcess({ env, nodeArgs: profiling }));
    }
    const urls = servers.map((s) => s.url);
    const t0 = performance.now();
    const devices = await setUpDevices(urls, DEVICES, PER_ACCOUNT);
    const setupS = (performance.now() - t0) / 1000;
    const collection = b64url(randomBytes(16));

    const health = summarise(
      await closedLoop(devices, (device, time) =>
        time(async () => {
          await expectOk(await fetch(`${device.url}/health`), 'GET /health');
        }),
      ),
    );
    const paced = summarise(await pacedLoop(devices, collection));
    const sync = summarise(
      await closedLoop(devices, async (device, time) => {
        await time(() => push(device, collection));
        await time(() => pull(device));
      }),
    );
    return { name, setupS, health, paced, sync };
  } finally {
    await Promise.all(servers.map(stopServerProcess));
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(8);

async function main() {
  const { backends, cleanUp } = backendsFor(args.backend);
  if (args.backend === 'pglite' && SERVERS > 1) {
    throw new Error('PGlite is one process'); // its data folder is locked by the first server
  }

  console.log(
    `Satchel server load: ${DEVICES} devices (${PER_ACCOUNT} per account), ${SERVERS} server process(es), ` +
      `${SECONDS} s measured after ${WARMUP_MS / 1000} s warm-up, ~${PAYLOAD_BYTES} B payloads`,
  );
  try {
    const rows = [];
    for (const backend of backends) {
      rows.push(await benchBackend(backend.name, await backend.env()));
    }
    console.log('');
    console.log(
      'backend       workload                 req/s    p50 ms   p99 ms   errors   vs /health',
    );
    for (const row of rows) {
      for (const [label, f] of [
        ['GET /health, flat out', row.health],
        [`sync paced @${RATE}/s`, row.paced],
        ['sync, flat out', row.sync],
      ] as const) {
        const ratio = f.rps / row.health.rps;
        console.log(
          `${row.name.padEnd(13)} ${label.padEnd(22)} ${fmt(f.rps, 0)} ${fmt(f.p50)} ${fmt(f.p99)} ${String(f.errors).padStart(8)}   ${ratio.toFixed(2)}x`,
        );
      }
      console.log(
        `${''.padEnd(13)} (sign-in of ${DEVICES} devices took ${row.setupS.toFixed(1)} s)`,
      );
    }
    console.log('');
    console.log(
      'Target on PostgreSQL: >= 1000 sync req/s with p99 <= 50 ms at 100 devices. "Paced" offers\n' +
        'exactly --rate requests/s spread over the devices (latency counted from when each was due);\n' +
        '"flat out" has every device send its next request the moment the last one returns, so its\n' +
        "req/s is the ceiling and its latency is queueing (devices / req/s by Little's law).",
    );
    for (const row of rows) {
      const met = row.paced.rps >= 0.98 * RATE && RATE >= 1000 && row.paced.p99 <= 50;
      console.log(
        `${row.name}: paced ${row.paced.rps.toFixed(0)} req/s with p99 ${row.paced.p99.toFixed(1)} ms; ` +
          `ceiling ${row.sync.rps.toFixed(0)} req/s — ${met ? 'meets' : 'misses'} the target`,
      );
    }
  } finally {
    cleanUp();
  }
}

await main();
