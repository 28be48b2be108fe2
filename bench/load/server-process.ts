/**
 * The real sync server as its own process, for the load and soak benchmarks: its CPU and memory
 * are then its own, not shared with the load generator's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../scripts/ensure-deps.mjs';

const root = new URL('../..', import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
}

export interface ServerProcessOptions {
  /** Environment on top of the benchmark's defaults (DATABASE_URL or DATA_DIR). */
  env: Record<string, string>;
  /** Node flags put before the server's entry (a CPU profile, a preloaded reporter). */
  nodeArgs?: string[];
  /** An IPC channel to the child: what a preloaded reporter sends arrives as `message`. */
  ipc?: boolean;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/server/main.ts'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit', ...(options.ipc ? (['ipc'] as const) : [])],
      env: {
        ...process.env,
        LISTEN_ADDR: `127.0.0.1:${port}`,
        REGISTRATION: 'open',
        POLL_INTERVAL_S: '1',
        // Sign-in throttles guard a real server against guessing; 100 devices from one address
        // signing in at once is this benchmark's setup, not an attack.
        SIGN_IN_MAX_PER_ACCOUNT: '1000000',
        SIGN_IN_MAX_PER_ADDRESS: '1000000',
        USER_CODE_MAX_PER_ADDRESS: '1000000',
        USER_CODE_MAX_PER_ACCOUNT: '1000000',
        DEVICE_CODE_MAX_PER_ADDRESS: '1000000',
        LOG_LEVEL: 'warn',
        WEB_DIR: join(root, '.tmp', 'no-web-app'),
        ...options.env,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not answer /health within 60 s');
}

export function stopServerProcess(server: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}
