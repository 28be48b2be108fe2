import { describe, expect, it } from 'vitest';
import { createLock } from '../crypto';
import { guardMeta, readMeta, writeMeta } from '../db/meta';
import { openEngineDatabase } from '../db/open';
import { freshDbName, testIndexedDB } from '../testing/idb';
import { waitAfter } from './device-lock';
import { SecretVault } from './secret-vault';

const ROW_KEY = new Uint8Array(32).fill(7);
const CHEAP = { kdf: 'argon2id', memoryKiB: 64, iterations: 1, parallelism: 1 } as const;

async function database() {
  return openEngineDatabase(await testIndexedDB(), freshDbName('vault'));
}

describe('secret vault', () => {
  it('seals the secret meta keys, opens them byte for byte, and refuses them while locked', async () => {
    const db = await database();
    const master = crypto.getRandomValues(new Uint8Array(32));
    await writeMeta(db, 'keys', {
      accountId: 'acc',
      master,
      tokenRoot: master,
      epoch: 1,
      fingerprint: 'f',
    });
    const vault = new SecretVault(db);
    const { dataKey, wrap } = await createLock('a long enough lock phrase', CHEAP);
    await vault.seize(dataKey, ROW_KEY, async () => undefined);
    guardMeta(db, vault);
    expect(await db.get('meta', 'keys')).toBeUndefined();
    expect((await readMeta(db, 'keys'))?.master).toEqual(master);

    vault.forget();
    await expect(readMeta(db, 'keys')).rejects.toMatchObject({ code: 'device_locked' });
    await expect(writeMeta(db, 'keyPins', {} as never)).rejects.toMatchObject({
      code: 'device_locked',
    });
    // Settings and other plain meta are untouched by the lock.
    await writeMeta(db, 'clock', 'x');
    expect(await readMeta(db, 'clock')).toBe('x');

    const { openLock } = await import('../crypto');
    await vault.open(await openLock('a long enough lock phrase', wrap));
    expect((await readMeta(db, 'keys'))?.master).toEqual(master);
    await expect(openLock('the wrong lock phrase', wrap)).rejects.toMatchObject({
      code: 'wrong_secret',
    });
    guardMeta(db, null);
    db.close();
  });

  it('refuses a sealed secret written inside a transaction (sealing would end it)', async () => {
    const db = await database();
    const vault = new SecretVault(db);
    await vault.seize(
      (await createLock('a long enough lock phrase', CHEAP)).dataKey,
      ROW_KEY,
      async () => undefined,
    );
    guardMeta(db, vault);
    const tx = db.transaction('meta', 'readwrite');
    await expect(writeMeta(tx, 'session', {} as never)).rejects.toMatchObject({
      code: 'internal_error',
    });
    await tx.done;
    guardMeta(db, null);
    db.close();
  });

  it('serialises writes, so a later write is never lost to an earlier one still sealing', async () => {
    const db = await database();
    const vault = new SecretVault(db);
    const { dataKey } = await createLock('a long enough lock phrase', CHEAP);
    await vault.seize(dataKey, ROW_KEY, async () => undefined);
    await Promise.all([
      vault.write('keyPins', 1),
      vault.write('pairing', 2),
      vault.remove('keyPins'),
    ]);
    const reopened = new SecretVault(db);
    await reopened.open(dataKey);
    expect(reopened.read('pairing')).toBe(2);
    expect(reopened.read('keyPins')).toBeUndefined();
    db.close();
  });

  it('a write queued before a lock lands sealed; one queued as the lock is turned off lands plain', async () => {
    const db = await database();
    const vault = new SecretVault(db);
    const { dataKey } = await createLock('a long enough lock phrase', CHEAP);
    await vault.seize(dataKey, ROW_KEY, async () => undefined);
    const queued = vault.write('pairing', 'rotated token');
    await vault.exclusive(async () => vault.forget());
    await queued;
    const reopened = new SecretVault(db);
    await reopened.open(dataKey);
    expect(reopened.read('pairing')).toBe('rotated token');
    expect(reopened.rowKey).toEqual(ROW_KEY);

    const release = reopened.release(async () => undefined);
    const late = reopened.write('keyPins', 'late');
    await Promise.all([release, late]);
    expect(await db.get('meta', 'vault')).toBeUndefined();
    expect(await db.get('meta', 'pairing')).toBe('rotated token');
    expect(await db.get('meta', 'keyPins')).toBe('late');
    // The row key lived only inside the vault: turned off, it is not left behind in the clear.
    expect(reopened.rowKey).toBeUndefined();
    expect(await db.get('meta', 'rowKey')).toBeUndefined();
    db.close();
  });

  it('slows wrong tries from the third on, doubling up to a ceiling', () => {
    expect([0, 1, 2].map(waitAfter)).toEqual([0, 0, 0]);
    expect([3, 4, 5].map(waitAfter)).toEqual([5_000, 10_000, 20_000]);
    expect(waitAfter(40)).toBe(15 * 60_000);
  });
});
