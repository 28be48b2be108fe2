/**
 * The server as a self-hoster gets it: `npm run pack:server`'s tarball installed into an empty
 * folder and started with one command, answering /health, /activate, the app and /admin/.
 * `npm test` runs `npm run build` (which builds the package) before vitest; this test packs
 * again anyway, so it also works alone. The app and the admin page are checked only when
 * dist/pwa and dist/admin were built (dist/admin comes from the admin page's branch).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const hasApp = existsSync(join(root, 'dist/pwa/index.html'));
const hasAdmin = existsSync(join(root, 'dist/admin/index.html'));
const port = 20_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;

let folder = '';
let server: ChildProcess | undefined;

/** Resolves once the server says it listens; its first boot creates the PGlite database. */
function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"listening"')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  const tarball = execFileSync('node', [join(root, 'scripts/pack-server.mjs')], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop() as string;
  folder = mkdtempSync(join(tmpdir(), 'satchel-packed-'));
  execFileSync('npm', ['init', '-y'], { cwd: folder, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
    cwd: folder,
    stdio: 'ignore',
  });
  server = spawn(
    'npx',
    ['satchel-server', '--listen', `127.0.0.1:${port}`, '--data-dir', join(folder, 'data')],
    // An empty environment for the server's own settings, so nothing of the checkout leaks in.
    { cwd: folder, env: { PATH: process.env.PATH, HOME: process.env.HOME }, detached: true },
  );
  await waitForReady(server);
}, 170_000);

afterAll(() => {
  // npx runs the server as a child: end the whole process group we started.
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('packed server', () => {
  it('serves /health', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.ok).toBe(true);
  });

  it('serves the sign-in page at /activate', async () => {
    const response = await fetch(`${base}/activate`);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<form');
  });

  it.runIf(hasApp)('serves the web app at /', async () => {
    const response = await fetch(`${base}/`);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<div id="app"');
  });

  it.runIf(hasAdmin)('serves the admin page at /admin/', async () => {
    const response = await fetch(`${base}/admin/`);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('holds no TypeScript sources and neither tsx nor vite', () => {
    const installed = join(folder, 'node_modules');
    const own = readdirSync(join(installed, 'satchel-server'), { recursive: true }).map(String);
    expect(own.filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    for (const tool of ['tsx', 'vite', 'typescript']) {
      expect(existsSync(join(installed, tool))).toBe(false);
    }
  });
});
