/**
 * The records page at scale, measured (never asserted): the options page holding 10,000 profiles
 * against the same page holding 100, in one run and one browser profile. For each: the time until
 * the list shows, the frame times while a person types a search (one key every 120 ms) and while
 * they scroll through 500 listed records, and the worker's answer to one search, warm, beside
 * what the page used to ask for on each keystroke (every record, revealed, filtered after).
 * Needs `npm run build` first.
 *
 *   npx tsx bench/records-page.ts [records=10000]
 */
import type { Page } from '@playwright/test';
import type Browser from 'webextension-polyfill';
import { launchProfile } from '../e2e/extension/fixtures';
import { seedProfiles } from './extension-seed';

const RECORDS = Number(process.argv[2] ?? 10_000);
const BASELINE = 100;
const QUERY = 'profile 99';

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const median = (xs: number[]) => percentile(xs, 0.5);

interface Frames {
  p50: number;
  p95: number;
  max: number;
  long: number;
  count: number;
}

function frames(deltas: number[]): Frames {
  return {
    p50: median(deltas),
    p95: percentile(deltas, 0.95),
    max: Math.max(...deltas),
    long: deltas.filter((d) => d > 50).length,
    count: deltas.length,
  };
}

/** Frame-to-frame times from here until `stop`, through requestAnimationFrame. */
async function recordFrames(page: Page): Promise<() => Promise<number[]>> {
  // tsx names functions with an `__name` helper that does not exist in the page.
  await page.evaluate('globalThis.__name = (fn) => fn');
  await page.evaluate(() => {
    const w = globalThis as unknown as { __frames: number[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    let last = performance.now();
    const tick = (now: number) => {
      w.__frames.push(now - last);
      last = now;
      if (w.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () =>
    page.evaluate(() => {
      const w = globalThis as unknown as { __frames: number[]; __recording: boolean };
      w.__recording = false;
      return w.__frames.slice(1);
    });
}

/** Median time of a command answered by the worker, asked from the page through its port. */
async function timeCommand(page: Page, name: string, input: unknown): Promise<number> {
  return page.evaluate(
    async ({ name, input }) => {
      const { runtime } = (globalThis as unknown as { chrome: { runtime: Browser.Runtime.Static } })
        .chrome;
      const port = runtime.connect({ name: 'satchel' });
      let next = 1;
      const waiting = new Map<number, () => void>();
      port.onMessage.addListener((message: unknown) => {
        const m = message as { type: string; id: number; ok: boolean };
        if (m.type === 'result') waiting.get(m.id)?.();
      });
      const call = () =>
        new Promise<void>((resolve) => {
          const id = next++;
          waiting.set(id, resolve);
          port.postMessage({ type: 'call', id, name, input });
        });
      await call();
      const times: number[] = [];
      for (let run = 0; run < 5; run++) {
        const t0 = performance.now();
        await call();
        times.push(performance.now() - t0);
      }
      port.disconnect();
      return times.sort((a, b) => a - b)[2] ?? NaN;
    },
    { name, input },
  );
}

interface Result {
  listShown: number;
  typing: Frames;
  searchSettled: number;
  scrolling: Frames;
  pageCall: number;
  fullListCall: number;
}

async function measure(profile: Awaited<ReturnType<typeof launchProfile>>): Promise<Result> {
  const page = await profile.openOptions('records');
  await page.setViewportSize({ width: 1280, height: 800 });
  const list = page.getByRole('list', { name: 'Profiles' });
  await list.getByRole('listitem').first().waitFor({ timeout: 60_000 });
  const listShown = await page.evaluate(() => performance.now());

  const search = page.getByRole('searchbox', { name: 'Search profiles' });
  await search.click();
  const typed = await recordFrames(page);
  await page.evaluate(() => {
    const w = globalThis as unknown as { __lastKey: number; __lastChange: number };
    w.__lastKey = 0;
    w.__lastChange = 0;
    document.addEventListener('keydown', () => {
      w.__lastKey = performance.now();
    });
    const records = document.querySelector('.records');
    if (!records) throw new Error('no records list');
    new MutationObserver(() => {
      w.__lastChange = performance.now();
    }).observe(records, { subtree: true, childList: true, characterData: true });
  });
  await search.pressSequentially(QUERY, { delay: 120 });
  await page.waitForFunction(
    (query) =>
      [...document.querySelectorAll('ul[aria-label="Profiles"] li')].every((li) =>
        li.textContent?.toLowerCase().includes(query),
      ),
    QUERY,
  );
  await page.waitForTimeout(500);
  const searchSettled = await page.evaluate(() => {
    const w = globalThis as unknown as { __lastKey: number; __lastChange: number };
    return w.__lastChange - w.__lastKey;
  });
  const typing = frames(await typed());

  await search.fill('');
  await page.waitForFunction(
    () => document.querySelectorAll('ul[aria-label="Profiles"] li').length >= 2,
  );
  for (let more = 0; more < 4; more++) {
    const button = page.getByRole('button', { name: /^Show \d+ more$/ });
    if ((await button.count()) === 0) break;
    const before = await list.getByRole('listitem').count();
    await button.click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('ul[aria-label="Profiles"] li').length > n,
      before,
    );
  }
  await list.hover();
  const scrolled = await recordFrames(page);
  for (let step = 0; step < 60; step++) {
    await page.mouse.wheel(0, step < 30 ? 400 : -400);
    await page.waitForTimeout(16);
  }
  const scrolling = frames(await scrolled());

  const pageCall = await timeCommand(page, 'records.page', {
    collection: 'profiles',
    query: QUERY,
    limit: 100,
  });
  const fullListCall = await timeCommand(page, 'records.list', {
    collection: 'profiles',
    query: QUERY,
  });
  await page.close();
  return { listShown, typing, searchSettled, scrolling, pageCall, fullListCall };
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const framesText = (f: Frames) =>
  `p50 ${f.p50.toFixed(1)} / p95 ${f.p95.toFixed(1)} / max ${f.max.toFixed(0)} ms, ${f.long} of ${f.count} over 50 ms`;

async function main() {
  const profile = await launchProfile();
  try {
    const seeder = await profile.openPopup();
    await seeder.getByTestId('count-profiles').waitFor();
    await seedProfiles(seeder, BASELINE);
    const base = await measure(profile);
    const seconds = (await seedProfiles(seeder, RECORDS - BASELINE)) / 1000;
    console.log(`seeded ${RECORDS} records in ${seconds.toFixed(1)} s`);
    await seeder.close();
    const full = await measure(profile);
    const rows: [string, (r: Result) => string, (r: Result) => number][] = [
      ['list shown after opening', (r) => ms(r.listShown), (r) => r.listShown],
      ['typing a search: frames', (r) => framesText(r.typing), (r) => r.typing.p95],
      ['  last key to the list settled', (r) => ms(r.searchSettled), (r) => r.searchSettled],
      ['scrolling 500 listed: frames', (r) => framesText(r.scrolling), (r) => r.scrolling.p95],
      ['one search (records.page, warm)', (r) => ms(r.pageCall), (r) => r.pageCall],
      [
        'the old way (records.list, all revealed)',
        (r) => ms(r.fullListCall),
        (r) => r.fullListCall,
      ],
    ];
    console.log(`records page, ${RECORDS} records vs ${BASELINE} (same run):`);
    for (const [label, text, value] of rows) {
      const ratio = value(full) / value(base);
      console.log(
        `  ${label}: ${text(full)} | baseline ${text(base)} | x${Number.isFinite(ratio) ? ratio.toFixed(2) : '—'}`,
      );
    }
    console.log(
      `  one search vs the old way at ${RECORDS}: x${(full.pageCall / full.fullListCall).toFixed(3)}`,
    );
  } finally {
    await profile.close();
  }
}

await main();
