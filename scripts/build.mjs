// `npm run build`: every target, one line each. A target's own output is shown only when it
// warned or failed, so `npm start` gets to the server's banner without a page of build logs.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);

const TARGETS = [
  { name: 'extension (Chromium)', cmd: bin('vite'), args: ['build'], out: 'dist/extension' },
  {
    name: 'extension (Firefox)',
    cmd: bin('vite'),
    args: ['build', '--mode', 'firefox'],
    out: 'dist/firefox',
  },
  {
    name: 'Firefox lint',
    cmd: bin('web-ext'),
    args: ['lint', '--source-dir', 'dist/firefox', '--output', 'text'],
    lint: true,
  },
  {
    name: 'web app',
    cmd: bin('vite'),
    args: ['build', '--config', 'vite.pwa.config.ts'],
    out: 'dist/pwa',
  },
  {
    name: 'admin page',
    cmd: bin('vite'),
    args: ['build', '--config', 'vite.admin.config.ts'],
    out: 'dist/admin',
  },
  // Last: the installable server package carries the web app and admin page built above.
  {
    name: 'server package',
    cmd: process.execPath,
    args: ['scripts/build-server.mjs'],
    out: 'server-package',
  },
];

function run({ cmd, args }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: 1, output: `${output}\n${error.message}` }));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

function sizeOf(dir) {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return `${files} files, ${(bytes / 1024).toFixed(0)} KiB`;
}

/** Lines a person should see: vite's "(!)" notes and anything that says warn or error. */
function warnings(output, lint) {
  if (lint) {
    const count = Number(/warnings\s+(\d+)/.exec(output)?.[1] ?? 0);
    const errors = Number(/errors\s+(\d+)/.exec(output)?.[1] ?? 0);
    return count + errors > 0 ? [output.trim()] : [];
  }
  return output.split('\n').filter((line) => /\(!\)|\bwarn(ing)?\b|\berror\b/i.test(line));
}

let failed = false;
for (const target of TARGETS) {
  const started = Date.now();
  const { code, output } = await run(target);
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    console.error(`✗ ${target.name} failed after ${took} s:\n${output.trim()}`);
    failed = true;
    break;
  }
  const where = target.out
    ? ` → ${target.out} (${sizeOf(join(root, target.out))})`
    : ': no warnings';
  console.log(`✓ ${target.name} in ${took} s${where}`);
  for (const line of warnings(output, target.lint)) console.log(`  ${line}`);
}
process.exit(failed ? 1 : 0);
