// `npm test`: every check and test suite, on real parts. Finds or installs Chromium and
// PostgreSQL, starts a throwaway PostgreSQL cluster, runs lint, typecheck, vitest (Node and
// real Chromium projects) and Playwright, then prints one line `N passed, N failed` over all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium, startPostgres } from './ensure-deps.mjs';

const root = new URL('..', import.meta.url).pathname;
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (err) => {
      console.error(`[test] could not start ${cmd}: ${err.message}`);
      resolve(1);
    });
  });
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const results = [];
function record(name, passed, failed, note = '') {
  results.push({ name, passed, failed, note });
  console.log(`[test] ${name}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ''}`);
}

/** A check with no per-test counts (lint, typecheck, build) counts as one test. */
async function check(name, cmd, args, env) {
  console.log(`\n[test] ── ${name} ──`);
  const code = await run(cmd, args, env);
  record(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

const only = process.argv.slice(2);
const wants = (step) => only.length === 0 || only.includes(step);

let pg;
try {
  const chromium = ensureChromium();
  process.env.CHROMIUM_PATH = chromium;
  pg = await startPostgres();
  const env = { TEST_DATABASE_URL: pg.url, CHROMIUM_PATH: chromium };

  if (wants('lint')) await check('lint (biome)', 'npx', ['biome', 'ci', '.'], env);
  // Through the npm script, so CI checks every config it lists (root and the engine's own).
  if (wants('typecheck'))
    await check('typecheck (tsc)', 'npm', ['run', 'typecheck', '--silent'], env);
  if (wants('build')) await check('build', 'npm', ['run', 'build', '--silent'], env);

  if (wants('vitest')) {
    console.log('\n[test] ── vitest (node + chromium projects) ──');
    const out = join(tmp, 'vitest.json');
    rmSync(out, { force: true });
    const code = await run(
      'npx',
      ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
      env,
    );
    const report = readJson(out);
    if (report) {
      const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
      record(
        'vitest',
        report.numPassedTests,
        failed,
        code !== 0 && report.numFailedTests === 0 ? 'runner failed outside tests' : '',
      );
    } else {
      record('vitest', 0, 1, `runner exited ${code} without a report`);
    }
  }

  const hasSpecs =
    existsSync(join(root, 'e2e')) &&
    readdirSync(join(root, 'e2e'), { recursive: true }).some((f) => String(f).endsWith('.spec.ts'));
  if (wants('e2e') && hasSpecs) {
    console.log('\n[test] ── playwright (e2e, real Chromium) ──');
    const out = join(tmp, 'playwright.json');
    rmSync(out, { force: true });
    const code = await run('npx', ['playwright', 'test'], { ...env, PW_JSON_REPORT: out });
    const report = readJson(out);
    if (report?.stats) {
      const { expected = 0, unexpected = 0, flaky = 0 } = report.stats;
      const failed = unexpected + (code !== 0 && unexpected === 0 ? 1 : 0);
      record('playwright', expected + flaky, failed, flaky ? `${flaky} flaky` : '');
    } else {
      record('playwright', 0, 1, `runner exited ${code} without a report`);
    }
  }
} catch (err) {
  console.error(`\n[test] ${err.message}`);
  record('setup', 0, 1, 'see above');
} finally {
  pg?.stop();
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
writeFileSync(join(tmp, 'test-summary.json'), JSON.stringify({ passed, failed, results }, null, 2));
console.log('\n[test] summary');
for (const r of results)
  console.log(`  ${r.failed ? '✗' : '✓'} ${r.name}: ${r.passed} passed, ${r.failed} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
