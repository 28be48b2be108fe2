/**
 * The app shell's size and load time, measured (never asserted). Size: every file the service
 * worker precaches, raw and gzipped, from the build in dist/pwa. Time: the app served by the
 * real server over HTTP in headless Chromium, each run in a fresh profile:
 *   - first visit: nothing cached, no service worker yet (the network is all there is);
 *   - repeat visit: the worker serves the shell from its precache;
 *   - offline: the same with the network cut and the server stopped.
 * Figures are navigation timing (DOMContentLoaded, load) and the first paint that shows the
 * engine's real status (the popup screen's `satchel:status-painted` mark). Needs `npm run build`.
 *
 *   npx tsx bench/pwa-load.ts [runs=5]
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { APP_DIR, launchAppProfile, startAppServer, waitForWorker } from '../e2e/pwa/fixtures';

const RUNS = Number(process.argv[2] ?? 5);

/** The precache list as the build wrote it into sw.js. */
function precachedFiles(): string[] {
  const sw = readFileSync(join(APP_DIR, 'sw.js'), 'utf8');
  const urls = [...sw.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1] ?? '');
  return [...new Set(urls)];
}

function precacheSize() {
  const files = precachedFiles();
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const path = join(APP_DIR, file);
    raw += statSync(path).size;
    gzip += gzipSync(readFileSync(path), { level: 9 }).length;
  }
  const worker = readFileSync(join(APP_DIR, 'sw.js'));
  return {
    entries: files.length,
    raw,
    gzip,
    worker: { raw: worker.length, gzip: gzipSync(worker, { level: 9 }).length },
  };
}

type Timing = { dcl: number; load: number; status: number; live: number; transferred: number };

async function timing(page: Page): Promise<Timing> {
  await page.waitForFunction(
    () => performance.getEntriesByName('satchel:live-status-painted').length > 0,
  );
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    return {
      dcl: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
      status: performance.getEntriesByName('satchel:status-painted')[0]?.startTime ?? NaN,
      live: performance.getEntriesByName('satchel:live-status-painted')[0]?.startTime ?? NaN,
      transferred: [nav, ...resources].reduce((sum, r) => sum + r.transferSize, 0),
    };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function summary(name: string, runs: Timing[]) {
  const pick = (key: keyof Timing) => median(runs.map((r) => r[key]));
  console.log(
    `${name.padEnd(14)} DOMContentLoaded ${pick('dcl').toFixed(0)} ms · load ${pick('load').toFixed(0)} ms · status painted ${pick('status').toFixed(0)} ms (the worker's own ${pick('live').toFixed(0)} ms) · ${pick('transferred')} bytes over the network`,
  );
}

const size = precacheSize();
console.log(
  `precache: ${size.entries} entries, ${size.raw} bytes (${(size.raw / 1024).toFixed(1)} KiB), ${size.gzip} bytes gzipped`,
);
console.log(
  `service worker (sw.js, not precached): ${size.worker.raw} bytes, ${size.worker.gzip} gzipped`,
);

const first: Timing[] = [];
const repeat: Timing[] = [];
const offline: Timing[] = [];
for (let run = 0; run < RUNS; run++) {
  const server = await startAppServer();
  const profile = await launchAppProfile();
  let serverRunning = true;
  try {
    const page = await profile.context.newPage();
    await page.goto(`${server.url}/`);
    first.push(await timing(page));
    await waitForWorker(page);
    await page.reload();
    repeat.push(await timing(page));
    await server.close();
    serverRunning = false;
    await profile.context.setOffline(true);
    await page.reload();
    offline.push(await timing(page));
  } finally {
    await profile.close();
    if (serverRunning) await server.close();
  }
}
console.log(`load times, median of ${RUNS} fresh profiles (headless Chromium, this machine):`);
summary('first visit', first);
summary('repeat visit', repeat);
summary('offline', offline);

/**
 * The app holding RECORDS records, reopened with its worker running and freshly stopped (as the
 * browser leaves it after 30 s idle): the first status painted (the last-known snapshot when there
 * is one) and the worker's own. Seeded through the worker's own commands, as the pages call them.
 */
const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000);
{
  const server = await startAppServer();
  const profile = await launchAppProfile();
  try {
    const page = await profile.context.newPage();
    await page.goto(`${server.url}/`);
    await waitForWorker(page);
    await timing(page);
    const seeded = Date.now();
    // tsx names functions with an `__name` helper that does not exist in the page.
    await page.evaluate('globalThis.__name = (fn) => fn');
    await page.evaluate(async (count) => {
      const worker = navigator.serviceWorker.controller;
      if (!worker) throw new Error('no service worker controls the page');
      let next = 1;
      const call = (input: unknown) =>
        new Promise<boolean>((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => resolve((event.data as { ok: boolean }).ok);
          worker.postMessage({ type: 'call', id: next++, name: 'records.save', input }, [
            channel.port2,
          ]);
        });
      for (let i = 0; i < count; i += 200) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + 200); j++)
          batch.push(
            call({
              collection: 'profiles',
              value: {
                name: `Profile ${j}`,
                provider: 'openai',
                model: 'gpt-4o',
                apiKey: `sk-${j}`,
              },
            }),
          );
        if ((await Promise.all(batch)).includes(false)) throw new Error('a seed write failed');
      }
    }, RECORDS);
    console.log(
      `app seeded with ${RECORDS} records in ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const cdp = await profile.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    for (const state of ['running', 'stopped'] as const) {
      const runs: Timing[] = [];
      for (let run = 0; run < RUNS; run++) {
        // Reloading from a blank page: a page left open would keep the worker alive.
        await page.goto('about:blank');
        if (state === 'stopped') await cdp.send('ServiceWorker.stopAllWorkers');
        await page.goto(`${server.url}/`);
        runs.push(await timing(page));
        const shown = await page.getByTestId('count-profiles').textContent();
        if (Number(shown) !== RECORDS)
          throw new Error(`app shows ${shown} profiles, not ${RECORDS}`);
      }
      summary(`${RECORDS} records, worker ${state}`, runs);
    }
  } finally {
    await profile.close();
    await server.close();
  }
}
