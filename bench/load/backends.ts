/**
 * The databases the load and soak benchmarks run the server on: a throwaway PostgreSQL cluster
 * (or TEST_DATABASE_URL's) and PGlite in a temporary folder. Each is set up only when its turn
 * comes, and `cleanUp` removes whatever was set up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../../scripts/ensure-deps.mjs';

export type BackendName = 'PostgreSQL' | 'PGlite';

export interface Backend {
  name: BackendName;
  /** The server's environment for this database (DATABASE_URL or DATA_DIR). */
  env: () => Promise<Record<string, string>>;
}

/** `choice`: both, postgres or pglite (the benchmarks' --backend). */
export function backendsFor(choice: string): { backends: Backend[]; cleanUp: () => void } {
  const cleanups: Array<() => void> = [];
  const backends: Backend[] = [];
  if (choice === 'both' || choice === 'postgres')
    backends.push({
      name: 'PostgreSQL',
      env: async () => {
        const pg = await startPostgres();
        cleanups.push(pg.stop);
        return { DATABASE_URL: pg.url };
      },
    });
  if (choice === 'both' || choice === 'pglite')
    backends.push({
      name: 'PGlite',
      env: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'satchel-bench-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        return { DATA_DIR: dir };
      },
    });
  if (backends.length === 0) throw new Error(`--backend: both, postgres or pglite, not ${choice}`);
  return {
    backends,
    cleanUp: () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
