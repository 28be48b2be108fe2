import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataDirInUseError } from './errors';

const LOCK_FILE = 'satchel.pid';

/** Folders this process holds, so a pid file naming our own pid can be told from a stale one. */
const heldHere = new Set<string>();

/**
 * PGlite is one in-process PostgreSQL: two PGlite instances writing one data folder would corrupt
 * it. A pid file taken with O_EXCL keeps a second one out (in another process or this one); a
 * file left by a dead process — or by an earlier life of this pid, as in a restarted container
 * where the server is always pid 1 — is taken over. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = resolve(dataDir);
  if (heldHere.has(dir)) throw new DataDirInUseError(dataDir, process.pid);
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      heldHere.add(dir);
      return async () => {
        heldHere.delete(dir);
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (holder !== process.pid && isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
      await rm(path, { force: true });
    }
  }
  // Lost the race for a stale file twice: someone else is taking the folder right now.
  throw new DataDirInUseError(dataDir, 0);
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
