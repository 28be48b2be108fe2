import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { DataDirInUseError } from './errors';
import { openStore } from './open-store';

let dataDir = '';
beforeEach(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'satchel-lock-')), 'nested', 'data');
});
afterEach(async () => {
  await rm(join(dataDir, '..', '..'), { recursive: true, force: true });
});

test('the data folder is created, and a second open while the first is live is refused', async () => {
  const first = await openStore({ dataDir });
  try {
    expect(await readFile(join(dataDir, 'satchel.pid'), 'utf8')).toBe(String(process.pid));
    const error = await openStore({ dataDir }).catch((e) => e);
    expect(error).toBeInstanceOf(DataDirInUseError);
    expect(error).toMatchObject({ code: 'data_dir_in_use', pid: process.pid });
  } finally {
    await first.close();
  }
  // Closing released it.
  const again = await openStore({ dataDir });
  await again.close();
});

test('a folder held by another live process is refused; one left by a dead process is taken over', async () => {
  const first = await openStore({ dataDir });
  await first.close();
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
    stdio: 'ignore',
  });
  try {
    const pid = sleeper.pid as number;
    await writeFile(join(dataDir, 'satchel.pid'), String(pid));
    await expect(openStore({ dataDir })).rejects.toMatchObject({ code: 'data_dir_in_use', pid });
  } finally {
    sleeper.kill();
    await new Promise((resolve) => sleeper.once('exit', resolve));
  }
  // The holder is gone now: its stale pid file no longer keeps the folder.
  const store = await openStore({ dataDir });
  expect(await store.countAccounts()).toBe(0);
  await store.close();
});
