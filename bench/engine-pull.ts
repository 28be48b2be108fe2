/**
 * Engine pull benchmark: headless Chromium against the real server on loopback (PGlite).
 *
 *   npx tsx bench/engine-pull.ts            (sizes 1000,10000,50000)
 *   BENCH_SIZES=1000,10000 npx tsx bench/engine-pull.ts
 *
 * For each size, an account is seeded with encrypted ~1 KiB records through the real batch API,
 * then, in the same run: a new device's first pull into IndexedDB (the engine), the
 * floor (fetch + decrypt + raw IndexedDB puts of the same data, nothing else), a sync with
 * nothing to do (requests counted), and at 10,000 one changed record. Prints times and ratios to
 * the floor measured in this run (three of each, taking turns at going first, every database
 * deleted after its run). Targets: first pull of 10,000 and 50,000 within 1.3x of the floor,
 * nothing-to-do in 1 request, one changed record under 60 ms. Up to 10,000 records, one more
 * first pull runs with the device lock on (every record row sealed at rest) beside the same floor,
 * and the time to turn the lock on over the pulled rows (BENCH_LOCK=0 leaves them out).
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';
import { approveDeviceCode, startServer } from '../src/server/testing';
import { withProfile } from './engine-pull/profile';
import { type SeededAccount, seedAccount } from './engine-pull/seed';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const REPEATS = 3;
const CHANGED_REPEATS = 5;
const CHANGED_AMONG = 10_000;
const PAGE_SIZE = 1000;
const PROFILE = process.env.BENCH_PROFILE === '1';
/** Which repeat BENCH_PROFILE profiles (the later ones read the earlier devices' manifests). */
const PROFILE_REPEAT = Number(process.env.BENCH_PROFILE_REPEAT ?? 0);
/**
 * BENCH_FLOOR=engine: the floor writes rows shaped as the engine's (see page.ts);
 * engine-noindex: the same rows without the collection/live index; engine-noread: with the index
 * and no read before each write.
 */
const FLOOR_SHAPES = ['plain', 'engine', 'engine-noindex', 'engine-noread', 'packed'] as const;
type FloorShape = (typeof FLOOR_SHAPES)[number];
const FLOOR_SHAPE =
  FLOOR_SHAPES.find((shape) => shape === process.env.BENCH_FLOOR) ?? ('plain' as const);
const LOCKED_UP_TO = process.env.BENCH_LOCK === '0' ? 0 : 10_000;
const LOCK_PASSPHRASE = 'bench lantern across the quiet harbour';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

async function buildPage(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'satchel-bench-'));
  await build({
    configFile: false,
    root: join(import.meta.dirname, 'engine-pull'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: !PROFILE },
  });
  return outDir;
}

/** The built page on 127.0.0.1 (a secure context, so WebCrypto is there). */
function serveStatic(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    try {
      const body = await readFile(join(root, path === '' ? 'index.html' : path));
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no address');
      resolve({ server, origin: `http://127.0.0.1:${address.port}` });
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

interface SyncFigure {
  ms: number;
  requests: number;
  records: number;
}

async function newPageDevice(
  page: Page,
  serverUrl: string,
  name: string,
  account: SeededAccount,
): Promise<void> {
  const userCode = await page.evaluate(([n, url]) => window.satchelBench.newDevice(n, url), [
    name,
    serverUrl,
  ] as const);
  await approveDeviceCode(serverUrl, userCode, account.person);
  await page.evaluate(([n, key]) => window.satchelBench.unlock(n, key), [
    name,
    account.recoveryKey,
  ] as const);
}

function sync(page: Page, name: string): Promise<SyncFigure> {
  return page.evaluate((n) => window.satchelBench.sync(n), name);
}

async function floor(
  page: Page,
  serverUrl: string,
  account: SeededAccount,
  shape: FloorShape = FLOOR_SHAPE,
): Promise<SyncFigure> {
  const session = await account.session();
  const keys = {
    ...account.keys,
    master: [...account.keys.master],
    tokenRoot: [...account.keys.tokenRoot],
  };
  return page.evaluate(
    ([url, token, k, size, shape]) => window.satchelBench.floor(url, token, k, size, shape),
    [serverUrl, session.accessToken, keys, PAGE_SIZE, shape] as const,
  );
}

function expectRecords(figure: SyncFigure, expected: number, what: string): void {
  if (figure.records !== expected)
    throw new Error(`${what}: ${figure.records} records, expected ${expected}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const outDir = await buildPage();
  const site = await serveStatic(outDir);
  const server = await startServer({
    config: {
      registration: 'open',
      pollIntervalS: 1,
      appOrigins: [site.origin],
      accessTokenTtlS: 3600,
    },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--disable-quic'],
  });
  const rows: string[][] = [];
  const notes: string[] = [];
  try {
    // Each measured pull gets a context of its own (its own IndexedDB, freed when it closes): a
    // writer never meets the rows, or the clean-up, of the one before.
    const freshPage = async (): Promise<Page> => {
      const fresh = await (await browser.newContext()).newPage();
      fresh.on('pageerror', (error) => console.error(`[page] ${error.message}`));
      await fresh.goto(site.origin);
      await fresh.waitForFunction(() => 'satchelBench' in window);
      return fresh;
    };
    const inFreshPage = async <T>(work: (page: Page) => Promise<T>): Promise<T> => {
      const fresh = await freshPage();
      try {
        return await work(fresh);
      } finally {
        await fresh.context().close();
      }
    };

    let device = 0;
    for (const size of SIZES) {
      const seedStart = Date.now();
      const account = await seedAccount(server.url, size);
      notes.push(`seeded ${size} records in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
      const engineTimes: number[] = [];
      const floorTimes: number[] = [];
      let last = '';
      let page = null as Page | null;
      const pairs: string[] = [];
      for (let repeat = 0; repeat < REPEATS; repeat += 1) {
        const measureFloor = () =>
          inFreshPage(async (floorPage) => {
            const run = () => floor(floorPage, server.url, account);
            const figure =
              PROFILE && repeat === PROFILE_REPEAT
                ? await withProfile(floorPage, run)
                : await run();
            expectRecords(figure, size, 'floor');
            floorTimes.push(figure.ms);
          });
        const measureEngine = async () => {
          await page?.context().close();
          const enginePage = await freshPage();
          page = enginePage;
          last = `d${device++}`;
          await newPageDevice(enginePage, server.url, last, account);
          const run = () => sync(enginePage, last);
          const first =
            PROFILE && repeat === PROFILE_REPEAT ? await withProfile(enginePage, run) : await run();
          expectRecords(first, size, 'first pull');
          engineTimes.push(first.ms);
        };
        // Taking turns at going first, so neither side always meets the other's leftovers.
        if (repeat % 2 === 0) {
          await measureFloor();
          await measureEngine();
        } else {
          await measureEngine();
          await measureFloor();
        }
        const pairEngine = engineTimes[repeat] as number;
        const pairFloor = floorTimes[repeat] as number;
        pairs.push(
          `${pairEngine.toFixed(0)}/${pairFloor.toFixed(0)} ${(pairEngine / pairFloor).toFixed(2)}x`,
        );
      }
      const engineMs = median(engineTimes);
      const floorMs = median(floorTimes);
      // The layout's own limit: the same data, 100 records to an IndexedDB value.
      const packed = await inFreshPage((packedPage) =>
        floor(packedPage, server.url, account, 'packed'),
      );
      if (!page) throw new Error('no engine page');
      const lastPage: Page = page;
      expectRecords(packed, size, 'packed floor');
      rows.push([
        `first pull of ${size.toLocaleString('en')}`,
        engineMs.toFixed(0),
        floorMs.toFixed(0),
        (engineMs / floorMs).toFixed(2),
        `${REPEATS} runs, median (engine/floor ms: ${pairs.join(', ')}); packed floor ${packed.ms.toFixed(0)} ms (${(engineMs / packed.ms).toFixed(2)}x)`,
      ]);

      if (size <= LOCKED_UP_TO) {
        // The same pull with the lock already on: the cost of sealing every row it writes.
        const locked = `d${device++}`;
        const figure = await inFreshPage(async (lockedPage) => {
          await newPageDevice(lockedPage, server.url, locked, account);
          await lockedPage.evaluate(([n, p]) => window.satchelBench.lock(n, p), [
            locked,
            LOCK_PASSPHRASE,
          ] as const);
          return sync(lockedPage, locked);
        });
        expectRecords(figure, size, 'first pull, lock on');
        rows.push([
          `first pull of ${size.toLocaleString('en')}, lock on`,
          figure.ms.toFixed(0),
          floorMs.toFixed(0),
          (figure.ms / floorMs).toFixed(2),
          `1 run; ${(figure.ms / engineMs).toFixed(2)}x the unlocked pull`,
        ]);
      }

      const idle = PROFILE
        ? await withProfile(lastPage, () => sync(lastPage, last))
        : await sync(lastPage, last);
      rows.push([
        `nothing to do (${size.toLocaleString('en')})`,
        idle.ms.toFixed(1),
        '',
        '',
        `${idle.requests} request(s)`,
      ]);

      if (size === CHANGED_AMONG) {
        const times: number[] = [];
        const requests: number[] = [];
        const id = account.ids[Math.floor(size / 2)] as string;
        for (let rev = 1; rev <= CHANGED_REPEATS; rev += 1) {
          await account.change(id, rev);
          const changed = await sync(lastPage, last);
          expectRecords(changed, size, 'one changed');
          times.push(changed.ms);
          requests.push(changed.requests);
        }
        rows.push([
          `one changed among ${size.toLocaleString('en')}`,
          median(times).toFixed(1),
          '',
          '',
          `${CHANGED_REPEATS} runs, median; requests ${requests.join(',')}`,
        ]);
      }
      if (size <= LOCKED_UP_TO) {
        // Turning the lock on over rows already pulled: every record row rewritten sealed.
        const sealMs = await lastPage.evaluate(([n, p]) => window.satchelBench.lock(n, p), [
          last,
          LOCK_PASSPHRASE,
        ] as const);
        rows.push([
          `lock turned on over ${size.toLocaleString('en')}`,
          sealMs.toFixed(0),
          '',
          '',
          'Argon2id 64 MiB stretch included',
        ]);
      }
      await lastPage.context().close();
    }
  } finally {
    await browser.close();
    site.server.closeAllConnections();
    site.server.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }

  const header = ['case', 'engine ms', 'floor ms', 'ratio', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i === 4 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
      )
      .join('  ');
  console.log(`\nEngine pull benchmark (headless Chromium, real server on loopback, PGlite)`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  for (const note of notes) console.log(`  ${note}`);
  console.log(`  total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
