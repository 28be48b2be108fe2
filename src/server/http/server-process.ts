/**
 * The sync server as an operator runs it: `src/server/main.ts` in its own Node process, with
 * flags and environment, its stdout and stderr captured. For the tests that need real processes
 * (several servers on one PostgreSQL, signals, the command line), not a server inside the test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Starting tsx and running migrations takes a few seconds on a loaded 2-core machine. */
const START_TIMEOUT_MS = 30_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything written so far, line by line. */
  stdout(): string[];
  stderr(): string[];
  /** The stdout lines that are JSON log records, parsed. */
  logs(): Record<string, unknown>[];
  exited: Promise<ExitStatus>;
  /** Sends SIGTERM and waits for the exit; kills it when it does not exit in time. */
  stop(): Promise<ExitStatus>;
}

export interface RunResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

function mainArgs(args: readonly string[]): string[] {
  return ['--import', 'tsx', 'src/server/main.ts', ...args];
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // Only what Node needs: the server must not pick up settings from the test's environment.
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env };
}

/** Runs main.ts to completion (for --help and configuration errors). */
export function runMain(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, mainArgs(args), { cwd: REPO_ROOT, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Where the server listens: its `listening` log line when the log level shows it, else the
 * banner on stderr (which names it as localhost, for people); reached at the bound address.
 */
function listeningUrl(
  logs: Record<string, unknown>[],
  stderr: readonly string[],
): string | undefined {
  const logged = logs.find((line) => line.msg === 'listening')?.url;
  if (typeof logged === 'string') return logged;
  for (const line of stderr) {
    const port = /is running on http:\/\/localhost:(\d+)/.exec(line)?.[1];
    if (port) return `http://127.0.0.1:${port}`;
  }
  return undefined;
}

/**
 * Starts main.ts listening on a free port of 127.0.0.1 and resolves once it says where it listens.
 * No web app or admin page is served, so a local dist/pwa or dist/admin never changes what the
 * tests see.
 */
export function startServerProcess(
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    mainArgs([
      '--listen',
      '127.0.0.1:0',
      '--web-dir',
      'no-such-web-app',
      '--admin-dir',
      'no-such-admin-page',
      ...args,
    ]),
    { cwd: REPO_ROOT, env: childEnv(env) },
  );
  const out: string[] = [];
  const err: string[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
    };
  };
  child.stdout.on('data', collect(out));
  child.stderr.on('data', collect(err));
  const exited = new Promise<ExitStatus>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const logs = () =>
    out
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  const stop = async (): Promise<ExitStatus> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const status = await exited;
    clearTimeout(timer);
    return status;
  };

  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearInterval(watch);
      child.kill('SIGKILL');
      reject(
        new Error(
          `the server process ${why}\nstdout:\n${out.join('\n')}\nstderr:\n${err.join('\n')}`,
        ),
      );
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    const watch = setInterval(() => {
      const url = listeningUrl(logs(), err);
      if (url) {
        clearInterval(watch);
        resolve({ url, child, stdout: () => out, stderr: () => err, logs, exited, stop });
      } else if (child.exitCode !== null || child.signalCode !== null) {
        fail(`exited before listening (${child.exitCode ?? child.signalCode})`);
      } else if (Date.now() > deadline) {
        fail(`did not listen within ${START_TIMEOUT_MS} ms`);
      }
    }, 50);
  });
}
