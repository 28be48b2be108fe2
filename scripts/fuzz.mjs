// `npm run fuzz`: the convergence property's long mode (test/integration/convergence-property.test.ts).
// Runs --cases cases (default 10,000) of --devices engines (default 5) with every fault, crashes
// included, split over two vitest processes, one per conflict strategy (one per core), each with
// servers of its own. Prints, per strategy: its seed, memory at the start, every 500 cases and
// the end, faults injected by kind and the duration; on failure, fast-check's shrunk
// counterexample and the command that replays it.
//
//   npm run fuzz
//   npm run fuzz -- --cases 2000 --devices 3
//   CONVERGENCE_STRATEGY=manual CONVERGENCE_SEED=<seed> CONVERGENCE_PATH=<path> npm run fuzz
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    devices: { type: 'string', default: process.env.CONVERGENCE_DEVICES ?? '5' },
    /** Share of the cases run with last-write-wins; manual cases cost more (a person settles). */
    'lww-share': { type: 'string', default: '0.55' },
  },
});
const cases = Number(args.cases);
const share = Number(args['lww-share']);
if (!(cases >= 2) || !(share > 0 && share < 1)) throw new Error('fuzz: bad --cases or --lww-share');

const replay = process.env.CONVERGENCE_SEED;
const only = process.env.CONVERGENCE_STRATEGY;
if (replay && !only) throw new Error('fuzz: a replay names its CONVERGENCE_STRATEGY too');
const lww = Math.round(cases * share);
const plan = [
  { strategy: 'lastWriteWins', runs: replay ? 1 : lww },
  { strategy: 'manual', runs: replay ? 1 : cases - lww },
].filter(({ strategy }) => !only || strategy === only);

const logs = join(root, '.tmp', 'fuzz');
mkdirSync(logs, { recursive: true });

function runStrategy({ strategy, runs }) {
  const log = join(logs, `${strategy}.log`);
  const out = createWriteStream(log);
  const child = spawn(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'node',
      '--execArgv=--expose-gc',
      'test/integration/convergence-property.test.ts',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        CONVERGENCE_STRATEGY: strategy,
        CONVERGENCE_RUNS: String(runs),
        CONVERGENCE_DEVICES: args.devices,
        CONVERGENCE_REPORT: '1',
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let pending = '';
  const echo = (chunk) => {
    out.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // Vitest colours the lines around a test's output whatever FORCE_COLOR says.
      const plain = stripVTControlCharacters(line).trim();
      if (plain.startsWith(`[${strategy}]`)) console.log(plain);
    }
  };
  child.stdout.on('data', echo);
  child.stderr.on('data', echo);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      out.end();
      resolve({ strategy, runs, ok: code === 0, log });
    });
  });
}

const started = Date.now();
console.log(
  `fuzz: ${plan.map((p) => `${p.runs} ${p.strategy}`).join(' + ')} cases, ${args.devices} devices each` +
    (replay ? ` (replaying seed ${replay})` : ''),
);
const results = await Promise.all(plan.map(runStrategy));
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
for (const result of results.filter((r) => !r.ok)) {
  // fast-check's report: the shrunk counterexample, the seed and path, the error it met.
  const text = readFileSync(result.log, 'utf8');
  const at = text.indexOf('Property failed');
  console.log(`\n── ${result.strategy} failed (full log: ${result.log}) ──`);
  console.log((at >= 0 ? text.slice(at) : text.slice(-6000)).slice(0, 12_000));
}
const failed = results.filter((r) => !r.ok).length;
console.log(
  `\nfuzz: ${results.reduce((sum, r) => sum + r.runs, 0)} cases in ${minutes} min: ` +
    (failed === 0 ? 'passed' : `${failed} strateg${failed === 1 ? 'y' : 'ies'} FAILED`),
);
process.exit(failed === 0 ? 0 : 1);
