/**
 * Passphrase unlock cost: unlocking a key document with its passphrase under Argon2id at the
 * production parameters (64 MiB, t=3, p=4, hash-wasm's WebAssembly, one thread), against a
 * PBKDF2-SHA256 600,000-iteration wrap measured in the same run, in Node and in headless Chromium
 * (/usr/bin/chromium, or CHROMIUM_PATH). Each figure includes the rest of unlock (HKDF, AES-GCM,
 * ECDH, the mac), which is a few milliseconds.
 *
 *   npx tsx bench/passphrase-unlock.ts [--runs 5]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { measureUnlock, type UnlockFigures } from './passphrase-unlock/measure';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);

async function buildPage(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'satchel-bench-'));
  await build({
    configFile: false,
    root: join(import.meta.dirname, 'passphrase-unlock'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  return outDir;
}

/** The built page on 127.0.0.1 (a secure context, so WebCrypto is there). */
function serveStatic(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    try {
      const body = await readFile(join(root, path === '' ? 'index.html' : path));
      const type = extname(path) === '.js' ? 'text/javascript' : 'text/html';
      response.writeHead(200, { 'content-type': type });
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

function row(where: string, figures: UnlockFigures): string {
  const argon2 = median(figures.argon2idMs);
  const pbkdf2 = median(figures.pbkdf2Ms);
  return `${where} | ${argon2.toFixed(0)} ms | ${pbkdf2.toFixed(0)} ms | ${(argon2 / pbkdf2).toFixed(2)}x`;
}

const node = await measureUnlock(runs);
const outDir = await buildPage();
const site = await serveStatic(outDir);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  await page.goto(site.origin);
  await page.waitForFunction(() => 'satchelPassphraseBench' in window);
  const inBrowser = await page.evaluate(
    (n) => window.satchelPassphraseBench.measureUnlock(n),
    runs,
  );
  console.log(`${node.params} vs PBKDF2-SHA256 600k, median of ${runs} unlocks each`);
  console.log('where | Argon2id unlock | PBKDF2 600k unlock | ratio');
  console.log(row(`Node ${process.version}`, node));
  console.log(row(`Chromium ${browser.version()}`, inBrowser));
} finally {
  await browser.close();
  site.server.close();
  await rm(outDir, { recursive: true, force: true });
}
