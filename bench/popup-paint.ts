/**
 * Popup budget, measured (never asserted): the gzipped JavaScript the popup loads, and its first
 * paint with status when the extension holds 10,000 records, with the service worker both
 * already running and freshly stopped: the first status shown (the last-known snapshot, when there
 * is one) and the first from the worker itself. Needs `npm run build` first.
 *
 *   npx tsx bench/popup-paint.ts [records=10000]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXTENSION_DIR, launchProfile, POPUP_PATH } from '../e2e/extension/fixtures';
import { seedProfiles } from './extension-seed';

const RECORDS = Number(process.argv[2] ?? 10_000);
const RUNS = 5;

function popupScripts(): string[] {
  const html = readFileSync(join(EXTENSION_DIR, POPUP_PATH), 'utf8');
  const refs = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+)"/g),
  ];
  // Paths are absolute from the extension root.
  return refs.map((m) => join(EXTENSION_DIR, m[1] ?? ''));
}

function popupJsSize() {
  let raw = 0;
  let gzip = 0;
  for (const file of popupScripts()) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

type Profile = Awaited<ReturnType<typeof launchProfile>>;
type Paint = { script: number; fcp: number; status: number; live: number };

/** Median first paint and first status paint of the popup, worker running and freshly stopped. */
async function measure(profile: Profile, expected: number) {
  const cdpPage = await profile.context.newPage();
  const cdp = await profile.context.newCDPSession(cdpPage);
  await cdp.send('ServiceWorker.enable');
  const result = {} as Record<'running' | 'stopped', Paint>;
  for (const workerState of ['running', 'stopped'] as const) {
    const script: number[] = [];
    const fcp: number[] = [];
    const status: number[] = [];
    const live: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      if (workerState === 'stopped') await cdp.send('ServiceWorker.stopAllWorkers');
      const page = await profile.context.newPage();
      await page.setViewportSize({ width: 380, height: 600 });
      await page.goto(`chrome-extension://${profile.extensionId}/${POPUP_PATH}`);
      // Both: with the worker running, its status can be marked before the first paint is
      // recorded, which read too early showed as "first paint NaN".
      await page.waitForFunction(
        () =>
          performance.getEntriesByName('satchel:live-status-painted').length > 0 &&
          performance.getEntriesByName('first-contentful-paint').length > 0,
      );
      const times = await page.evaluate(() => ({
        script: performance.getEntriesByName('satchel:popup-script')[0]?.startTime ?? NaN,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        status: performance.getEntriesByName('satchel:status-painted')[0]?.startTime ?? NaN,
        live: performance.getEntriesByName('satchel:live-status-painted')[0]?.startTime ?? NaN,
      }));
      const count = await page.getByTestId('count-profiles').textContent();
      if (Number(count) !== expected)
        throw new Error(`popup shows ${count} profiles, expected ${expected}`);
      script.push(times.script);
      fcp.push(times.fcp);
      status.push(times.status);
      live.push(times.live);
      await page.close();
    }
    result[workerState] = {
      script: median(script),
      fcp: median(fcp),
      status: median(status),
      live: median(live),
    };
  }
  await cdpPage.close();
  return result;
}

async function main() {
  const size = popupJsSize();
  console.log(
    `popup JS: ${(size.raw / 1024).toFixed(1)} KB raw, ${(size.gzip / 1024).toFixed(1)} KB gzipped (budget 30 KB)`,
  );

  const profile = await launchProfile();
  try {
    // The baseline, measured in this run: the same popup with an empty database.
    const baseline = await measure(profile, 0);
    const seeder = await profile.openPopup();
    await seeder.getByTestId('count-profiles').waitFor();
    const seconds = (await seedProfiles(seeder, RECORDS)) / 1000;
    console.log(`seeded ${RECORDS} records in ${seconds.toFixed(1)} s`);
    await seeder.close();
    const loaded = await measure(profile, RECORDS);
    for (const state of ['running', 'stopped'] as const) {
      const base = baseline[state];
      const full = loaded[state];
      console.log(
        `worker ${state}: first paint ${full.fcp.toFixed(0)} ms with ${RECORDS} records vs ` +
          `${base.fcp.toFixed(0)} ms empty (x${(full.fcp / base.fcp).toFixed(2)}); status shown ` +
          `${full.status.toFixed(0)} ms vs ${base.status.toFixed(0)} ms (x${(full.status / base.status).toFixed(2)}); ` +
          `the worker's own status ${full.live.toFixed(0)} ms vs ${base.live.toFixed(0)} ms; ` +
          `the popup's script starts at ${full.script.toFixed(0)} ms; ` +
          `median of ${RUNS}, target < 100 ms`,
      );
    }
  } finally {
    await profile.close();
  }
}

await main();
