// Finds (or installs, through apt when we are root) what the test suites need outside npm:
// Debian's Chromium and a PostgreSQL server. A throwaway PostgreSQL cluster is started in a
// temporary folder on a free port, so tests never touch a system database.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const isRoot = process.getuid?.() === 0;
let aptUpdated = false;

function aptInstall(pkg, why) {
  if (!isRoot) {
    throw new Error(
      `${why} is missing. Install it with: sudo apt-get install -y ${pkg} (or run as root and npm test installs it).`,
    );
  }
  console.log(`[deps] installing ${pkg} through apt (${why} is missing)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    aptUpdated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env });
}

export function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) aptInstall('chromium', `Chromium (${path})`);
  if (!existsSync(path)) throw new Error(`Chromium is still missing at ${path}`);
  return path;
}

function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** A loopback port free right now (for a server that must be named before it starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway PostgreSQL cluster. Returns { url, stop }. When TEST_DATABASE_URL is already
 * set, that server is used and nothing is started.
 */
export async function startPostgres() {
  if (process.env.TEST_DATABASE_URL) {
    return { url: process.env.TEST_DATABASE_URL, stop: () => {} };
  }
  let bin = postgresBinDir();
  if (!bin) {
    aptInstall('postgresql', 'PostgreSQL');
    bin = postgresBinDir();
  }
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin');

  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  const asUser = isRoot ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (cmd, args) => {
    const full = [...asUser, join(bin, cmd), ...args];
    const res = spawnSync(full[0], full.slice(1), { encoding: 'utf8' });
    if (res.status !== 0) {
      throw new Error(`${cmd} failed (${res.status}): ${res.stderr || res.stdout}`);
    }
    return res.stdout;
  };

  const dir = mkdtempSync(join(tmpdir(), 'satchel-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'satchel', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'postgres.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'satchel', 'satchel_test']);
  const url = `postgres://satchel@127.0.0.1:${port}/satchel_test`;
  console.log(`[deps] PostgreSQL (${bin}) running at ${url}`);
  const stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { url, stop };
}

// `node scripts/ensure-deps.mjs pg` starts a cluster for a developer's shell and prints its URL.
if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === 'pg') {
  const { url } = await startPostgres();
  console.log(`export TEST_DATABASE_URL=${url}`);
}
