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
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
// @ts-expect-error: a plain .mjs script without type declarations
import { startPostgres } from '../scripts/ensure-deps.mjs';
import type { BatchResponse, ChangesResponse, TokenResponse } from '../src/protocol';
import { signInDevice } from '../src/server/testing';

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
const PAYLOAD_BYTES = 1024;

const root = new URL('..', import.meta.url).pathname;
const b64url = (bytes: Buffer) => bytes.toString('base64url');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface ServerProcess {
  url: string;
  child: ChildProcess;
}

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      LISTEN_ADDR: `127.0.0.1:${port}`,
      REGISTRATION: 'open',
      POLL_INTERVAL_S: '1',
      // Sign-in throttles guard a real server against guessing; 100 devices from one address
      // signing in at once is this benchmark's setup, not an attack.
      SIGN_IN_MAX_PER_ACCOUNT: '1000000',
      SIGN_IN_MAX_PER_ADDRESS: '1000000',
      USER_CODE_MAX_PER_ADDRESS: '1000000',
      USER_CODE_MAX_PER_ACCOUNT: '1000000',
      DEVICE_CODE_MAX_PER_ADDRESS: '1000000',
      LOG_LEVEL: 'warn',
      WEB_DIR: join(root, '.tmp', 'no-web-app'),
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not answer /health within 60 s');
}

function stopServerProcess(server: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

interface SimDevice {
  url: string;
  token: string;
  fingerprint: string;
  recordId: string;
  rev: number | null;
  cursor: string;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await fn(items[index] as T);
      }
    }),
  );
  return out;
}

async function expectOk(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** Signs in every device (accounts of PER_ACCOUNT devices) and gives each account a key doc. */
async function setUpDevices(urls: string[]): Promise<SimDevice[]> {
  const run = randomBytes(4).toString('hex');
  const accounts = Math.ceil(DEVICES / PER_ACCOUNT);
  const password = 'load benchmark password';
  const plan = Array.from({ length: DEVICES }, (_, i) => ({
    index: i,
    account: i % accounts,
    url: urls[i % urls.length] as string,
  }));
  const sign = (p: (typeof plan)[number]) =>
    signInDevice(p.url, {
      username: `load-${run}-${p.account}`,
      password,
      deviceName: `bench device ${p.index}`,
      platform: 'bench',
    });
  // The first device of each account registers it; the rest join once it exists.
  const firsts = plan.slice(0, accounts);
  const rest = plan.slice(accounts);
  const tokens: TokenResponse[] = [
    ...(await mapLimit(firsts, 20, sign)),
    ...(await mapLimit(rest, 20, sign)),
  ];
  const fingerprints = new Map<number, string>();
  await mapLimit(firsts, 20, async (p) => {
    const fingerprint = b64url(randomBytes(24));
    fingerprints.set(p.account, fingerprint);
    await expectOk(
      await fetch(`${p.url}/v1/keys`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${tokens[p.index]?.access_token}`,
          'content-type': 'application/json',
          'if-none-match': '*',
        },
        body: JSON.stringify({
          key_document: b64url(randomBytes(600)),
          key_fingerprint: fingerprint,
          epoch: 1,
        }),
      }),
      'PUT /v1/keys',
    );
  });
  return plan.map((p) => ({
    url: p.url,
    token: tokens[p.index]?.access_token as string,
    fingerprint: fingerprints.get(p.account) as string,
    recordId: `rec-${p.index}`,
    rev: null,
    cursor: '0',
  }));
}

interface Sample {
  ms: number;
  ok: boolean;
}

async function push(device: SimDevice, collection: string): Promise<void> {
  const response = await fetch(`${device.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      key_fingerprint: device.fingerprint,
      ops: [
        {
          collection,
          id: device.recordId,
          base_rev: device.rev,
          deleted: false,
          payload: b64url(randomBytes(PAYLOAD_BYTES)),
          op_id: b64url(randomBytes(12)),
        },
      ],
    }),
  });
  await expectOk(response, 'POST /v1/batch');
  const body = (await response.json()) as BatchResponse;
  const result = body.results[0];
  if (result?.status !== 'ok') throw new Error(`push conflicted: ${JSON.stringify(result)}`);
  device.rev = result.rev;
}

async function pull(device: SimDevice): Promise<void> {
  const response = await fetch(`${device.url}/v1/changes?since=${device.cursor}&limit=200`, {
    headers: { authorization: `Bearer ${device.token}` },
  });
  await expectOk(response, 'GET /v1/changes');
  const body = (await response.json()) as ChangesResponse;
  device.cursor = body.cursor;
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

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
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
    for (let i = 0; i < SERVERS; i++) servers.push(await startServerProcess(env));
    const urls = servers.map((s) => s.url);
    const t0 = performance.now();
    const devices = await setUpDevices(urls);
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
  const backends: Array<{ name: string; env: () => Promise<Record<string, string>> }> = [];
  const cleanups: Array<() => void> = [];
  if (args.backend === 'both' || args.backend === 'postgres') {
    backends.push({
      name: 'PostgreSQL',
      env: async () => {
        const pg = await startPostgres();
        cleanups.push(pg.stop);
        return { DATABASE_URL: pg.url };
      },
    });
  }
  if (args.backend === 'both' || args.backend === 'pglite') {
    backends.push({
      name: 'PGlite',
      env: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'satchel-load-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        return { DATA_DIR: dir };
      },
    });
  }
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
    for (const cleanup of cleanups) cleanup();
  }
}

await main();
