/**
 * The device lock at rest: with it on, this device's keys and tokens are in IndexedDB only
 * sealed under the passphrase or PIN, in memory only while unlocked, forgotten after the idle
 * time (the engine's injected scheduler) and at every start. While locked nothing syncs and no
 * edit is taken; on unlock the device catches up.
 */
import { describe, expect, it } from 'vitest';
import { settle } from '../../src/engine/testing/manual-scheduler';
import { newPerson } from '../rig/backend';
import { connect, newDevice, stateOf, syncQuiet, type TestDevice, waitFor } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const MINUTE = 60_000;
const PASSPHRASE = 'violet lantern across the quiet harbour';
const profile = (name: string) => ({ name, provider: 'p', model: 'm', apiKey: `sk-${name}` });
/** The lock's KDF at test cost: the parameters are what the test changes, not the code path. */
const CHEAP = {
  keyOptions: { unsafeTestArgon2: { memoryKiB: 64, iterations: 1, parallelism: 1 } },
};

async function lockedPair() {
  const person = newPerson();
  const a = await newDevice('a', { engine: CHEAP });
  const b = await newDevice('b', { engine: CHEAP });
  const recoveryKey = (await connect(a, backend, person)) as string;
  await connect(b, backend, person, recoveryKey);
  await a.engine.setDeviceLock({ method: 'passphrase', secret: PASSPHRASE });
  return { a, b };
}

/** Every value in the device's database, as the browser stores it (the engine not asked). */
async function rawDump(device: TestDevice): Promise<Record<string, unknown[]>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = device.factory.open(device.dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const dump: Record<string, unknown[]> = {};
  for (const name of Array.from(db.objectStoreNames)) {
    dump[name] = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction(name).objectStore(name).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  db.close();
  return dump;
}

/** Writes values as they are, past the engine: for a device left by an earlier version. */
async function rawPut(device: TestDevice, store: string, values: Array<[unknown, unknown?]>) {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = device.factory.open(device.dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    for (const [value, key] of values) tx.objectStore(store).put(value, key as IDBValidKey);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

async function rawMeta(device: TestDevice, key: string): Promise<unknown> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = device.factory.open(device.dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const value = await new Promise<unknown>((resolve, reject) => {
    const request = db.transaction('meta').objectStore('meta').get(key);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return value;
}

/** Every byte string and text in a value, to look for a secret in any field or encoding. */
function strands(value: unknown, out: { bytes: Uint8Array[]; text: string[] }) {
  if (value instanceof Uint8Array) out.bytes.push(value);
  else if (value instanceof ArrayBuffer) out.bytes.push(new Uint8Array(value));
  else if (typeof value === 'string') out.text.push(value);
  else if (Array.isArray(value)) for (const item of value) strands(item, out);
  else if (value && typeof value === 'object')
    for (const item of Object.values(value)) strands(item, out);
  return out;
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Neither as text nor as UTF-8 bytes inside any stored value. */
function expectNoPlaintext(found: { bytes: Uint8Array[]; text: string[] }, needles: string[]) {
  for (const needle of needles) {
    const bytes = new TextEncoder().encode(needle);
    expect(found.text.filter((text) => text.includes(needle))).toEqual([]);
    expect(found.bytes.some((stored) => containsBytes(stored, bytes))).toBe(false);
  }
}

async function expectCode(work: Promise<unknown>, code: string) {
  await expect(work).rejects.toMatchObject({ code });
}

describe('device lock at rest', () => {
  it('keeps no key or token in the clear in IndexedDB while locked', async () => {
    const person = newPerson();
    const a = await newDevice('a', { engine: CHEAP });
    await connect(a, backend, person);
    await a.engine.create('profiles', profile('Work'));
    await syncQuiet(a);
    // The secrets as they were stored before the lock: what must not be found afterwards.
    const keys = (await rawMeta(a, 'keys')) as { master: Uint8Array; authKey: Uint8Array };
    const session = (await rawMeta(a, 'session')) as { accessToken: string; refreshToken: string };
    const deviceKey = (await rawMeta(a, 'deviceKey')) as { privateKey: Uint8Array } | undefined;
    expect(keys.master).toBeInstanceOf(Uint8Array);
    expect(session.refreshToken.length).toBeGreaterThan(20);

    await a.engine.setDeviceLock({ method: 'passphrase', secret: PASSPHRASE });
    await a.engine.lockDevice();
    expect(stateOf(a)).toBe('locked');

    const found = strands(await rawDump(a), { bytes: [], text: [] });
    const secrets = [keys.master, keys.authKey, ...(deviceKey ? [deviceKey.privateKey] : [])];
    for (const secret of secrets)
      expect(found.bytes.some((bytes) => containsBytes(bytes, secret))).toBe(false);
    for (const token of [session.accessToken, session.refreshToken])
      expect(found.text.some((text) => text.includes(token))).toBe(false);
    for (const key of ['keys', 'session', 'keyPins', 'deviceKey'])
      expect(await rawMeta(a, key)).toBeUndefined();
    expect(await rawMeta(a, 'vault')).toBeDefined();
    // The records' plaintext (current value, last-synced copy) is sealed too.
    expectNoPlaintext(found, ['sk-Work', '"Work"']);

    // Unlocked, it is the same device: same key, same session, syncing.
    await a.engine.unlockDevice(PASSPHRASE);
    await waitFor('a to be back', () => !['locked', 'syncing'].includes(stateOf(a)));
    expect(a.engine.getStatus().account?.fingerprint).toBeTruthy();
    expect((await a.engine.syncNow()).result).toBe('ok');
    await a.engine.close();
  });

  it('refuses edits while locked, does not sync, and catches up on unlock', async () => {
    const { a, b } = await lockedPair();
    await a.engine.create('profiles', profile('Before'));
    await syncQuiet(a);
    await a.engine.lockDevice();
    const before = a.net.log.length;

    await expectCode(a.engine.create('profiles', profile('Refused')), 'device_locked');
    await expectCode(a.engine.list('profiles'), 'device_locked');
    await expectCode(a.engine.syncNow(), 'device_locked');
    await b.engine.create('profiles', profile('From b'));
    await syncQuiet(b);
    a.engine.setOnline(true);
    await a.scheduler.advance(30 * MINUTE);
    expect(a.net.log.length).toBe(before);
    expect(stateOf(a)).toBe('locked');

    await a.engine.unlockDevice(PASSPHRASE);
    await waitFor('a to catch up', async () => {
      const names = (await a.engine.list('profiles')).map((record) => record.data.name);
      return names.includes('From b') && names.includes('Before');
    });
    const names = (await a.engine.list('profiles')).map((record) => record.data.name);
    expect(names).not.toContain('Refused');
    await a.engine.close();
    await b.engine.close();
  });

  it('locks after the chosen idle time by the injected scheduler, and use restarts it', async () => {
    const { a, b } = await lockedPair();
    await a.engine.setLockIdle(5);
    await a.scheduler.advance(4 * MINUTE);
    await a.engine.list('profiles');
    await a.scheduler.advance(4 * MINUTE);
    expect(stateOf(a)).not.toBe('locked');
    await a.scheduler.advance(1 * MINUTE + 1);
    await waitFor('a to lock', () => stateOf(a) === 'locked');
    expect(a.engine.getStatus().lock).toMatchObject({
      enabled: true,
      locked: true,
      idleMinutes: 5,
    });

    await a.engine.unlockDevice(PASSPHRASE);
    await a.engine.setLockIdle(null);
    await a.scheduler.advance(120 * MINUTE);
    expect(stateOf(a)).not.toBe('locked');
    await expectCode(a.engine.setLockIdle(7), 'invalid_settings');
    await a.engine.close();
    await b.engine.close();
  });

  it('answers a wrong passphrase with a clear error, loses nothing, and slows repeated tries', async () => {
    const { a, b } = await lockedPair();
    await a.engine.create('profiles', profile('Kept'));
    await syncQuiet(a);
    await a.engine.lockDevice();
    for (let i = 0; i < 2; i++)
      await expectCode(a.engine.unlockDevice('not it at all'), 'wrong_unlock_secret');
    expect(a.engine.getStatus().lock?.retryAt).toBeNull();
    // From the third wrong try on, each next try waits (5 s, then doubling).
    await expectCode(a.engine.unlockDevice('still not it'), 'wrong_unlock_secret');
    const retryAt = a.engine.getStatus().lock?.retryAt;
    expect(retryAt).toBeGreaterThan(Date.now());
    // Even the right passphrase waits: the pause is not a hint that it was right.
    await expectCode(a.engine.unlockDevice(PASSPHRASE), 'unlock_throttled');
    // The count survives a restart (the worker stopped and started again).
    const again = await a.restart();
    expect(stateOf(again)).toBe('locked');
    await expectCode(again.engine.unlockDevice(PASSPHRASE), 'unlock_throttled');
    again.clock.offsetMs = 6_000;
    await again.engine.unlockDevice(PASSPHRASE);
    expect(again.engine.getStatus().lock?.retryAt).toBeNull();
    const names = (await again.engine.list('profiles')).map((record) => record.data.name);
    expect(names).toContain('Kept');
    await again.engine.close();
    await b.engine.close();
  });

  it('starts locked after a restart (the keys were in memory only) and a PIN unlocks the same way', async () => {
    const { a, b } = await lockedPair();
    await expectCode(a.engine.setDeviceLock({ method: 'pin', secret: '12345' }), 'weak_pin');
    await a.engine.setDeviceLock({ method: 'pin', secret: '246810' });
    const restarted = await a.restart();
    expect(stateOf(restarted)).toBe('locked');
    expect(restarted.engine.getStatus().lock).toMatchObject({ locked: true, method: 'pin' });
    await expectCode(restarted.engine.unlockDevice(PASSPHRASE), 'wrong_unlock_secret');
    await restarted.engine.unlockDevice('246810');
    await waitFor(
      'the device to sync again',
      () => !['locked', 'syncing'].includes(stateOf(restarted)),
    );
    expect((await restarted.engine.syncNow()).result).toBe('ok');
    await restarted.engine.close();
    await b.engine.close();
  });

  it("seals a device's rows at its next unlock when its lock was set before rows were sealed", async () => {
    const person = newPerson();
    const a = await newDevice('a', { engine: CHEAP });
    await connect(a, backend, person);
    const { id } = await a.engine.create('profiles', profile('Old'));
    await a.engine.update('profiles', id, { model: 'm2' });
    await syncQuiet(a);
    const before = await rawDump(a);
    await a.engine.setDeviceLock({ method: 'passphrase', secret: PASSPHRASE });
    await a.engine.lockDevice();

    // As an earlier version left it: the lock on, the rows in the clear, no `rowsSealed`.
    await rawPut(
      a,
      'records',
      (before.records ?? []).map((row) => [row]),
    );
    await rawPut(
      a,
      'history',
      (before.history ?? []).map((row) => [row]),
    );
    const { rowsSealed: _, ...oldLock } = (await rawMeta(a, 'lock')) as Record<string, unknown>;
    await rawPut(a, 'meta', [[oldLock, 'lock']]);
    expect(JSON.stringify((await rawDump(a)).records)).toContain('sk-Old');

    const restarted = await a.restart();
    await settle();
    await restarted.engine.unlockDevice(PASSPHRASE);
    const after = await rawDump(restarted);
    expectNoPlaintext(strands(after, { bytes: [], text: [] }), ['sk-Old', '"Old"']);
    expect(await rawMeta(restarted, 'lock')).toMatchObject({ rowsSealed: true });
    expect((await restarted.engine.get('profiles', id, { reveal: true }))?.data).toMatchObject({
      apiKey: 'sk-Old',
      model: 'm2',
    });
    expect((await restarted.engine.history('profiles', id)).length).toBeGreaterThan(0);
    await restarted.engine.close();
  });

  it('a passkey (its PRF output) unlocks it too; a wrong one counts as a wrong try; changing the secret removes it', async () => {
    const { a, b } = await lockedPair();
    const { id } = await a.engine.create('profiles', profile('Passkeyed'));
    const b64 = (bytes: Uint8Array) =>
      btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    const output = b64(crypto.getRandomValues(new Uint8Array(32)));
    const passkey = { credentialId: 'cred-1', salt: b64(new Uint8Array(32).fill(9)), output };

    // Only someone who can unlock adds a way in.
    await expectCode(
      a.engine.addLockPasskey({ ...passkey, secret: 'not the passphrase at all' }),
      'wrong_unlock_secret',
    );
    const view = await a.engine.addLockPasskey({ ...passkey, secret: PASSPHRASE });
    expect(view.prf).toEqual({ credentialId: 'cred-1', salt: passkey.salt });
    expect(JSON.stringify(await rawMeta(a, 'lock'))).not.toContain(output);

    await a.engine.lockDevice();
    const wrong = b64(crypto.getRandomValues(new Uint8Array(32)));
    await expectCode(a.engine.unlockDevice({ prfOutput: wrong }), 'wrong_unlock_secret');
    await expectCode(
      a.engine.unlockDevice({ prfOutput: b64(new Uint8Array(16)) }),
      'wrong_unlock_secret',
    );
    await expectCode(a.engine.unlockDevice({ prfOutput: 'not base64!' }), 'invalid_settings');
    expect(stateOf(a)).toBe('locked');
    await a.engine.unlockDevice({ prfOutput: output });
    expect(stateOf(a)).not.toBe('locked');
    expect((await a.engine.get('profiles', id, { reveal: true }))?.data.apiKey).toBe(
      'sk-Passkeyed',
    );

    // A restart keeps the passkey's wrap: it is stored, sealed, beside the passphrase's.
    const restarted = await a.restart();
    await settle();
    expect(stateOf(restarted)).toBe('locked');
    await restarted.engine.unlockDevice({ prfOutput: output });
    expect(stateOf(restarted)).not.toBe('locked');

    // A new secret makes a new data key: the old passkey wrap would not open it, so it goes.
    const changed = await restarted.engine.setDeviceLock({ method: 'pin', secret: '24681357' });
    expect(changed.prf).toBeNull();
    await restarted.engine.addLockPasskey({ ...passkey, secret: '24681357' });
    expect((await restarted.engine.removeLockPasskey()).prf).toBeNull();
    await restarted.engine.lockDevice();
    await expectCode(restarted.engine.unlockDevice({ prfOutput: output }), 'prf_not_set');
    await restarted.engine.close();
    await b.engine.close();
  });

  it('turned off, puts the secrets back as they were and starts unlocked', async () => {
    const { a, b } = await lockedPair();
    await expectCode(b.engine.lockDevice(), 'lock_not_set');
    await a.engine.create('profiles', profile('Kept'));
    await a.engine.removeDeviceLock();
    expect(await rawMeta(a, 'vault')).toBeUndefined();
    expect(await rawMeta(a, 'keys')).toBeDefined();
    // The rows are back in the clear, as with no lock: nothing is left sealed under a lost key.
    const rows = (await rawDump(a)).records as Array<Record<string, unknown>>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => 'sealed' in row)).toEqual([]);
    const restarted = await a.restart();
    await settle();
    expect(stateOf(restarted)).not.toBe('locked');
    expect(restarted.engine.getStatus().lock ?? null).toBeNull();
    expect((await restarted.engine.syncNow()).result).toBe('ok');
    expect((await restarted.engine.list('profiles')).map((view) => view.data.name)).toContain(
      'Kept',
    );
    await restarted.engine.close();
    await b.engine.close();
  });

  it('a key rotation under the lock stores the new key sealed too, and the other device follows', async () => {
    const { a, b } = await lockedPair();
    await a.engine.create('profiles', profile('Rotated'));
    await syncQuiet(a);
    await a.engine.rotateAccountKey();
    await syncQuiet(a);
    const after = a.engine.getStatus().account?.fingerprint;
    expect(a.engine.getStatus().rotation).toBeNull();
    for (const key of ['keys', 'rotation', 'session'])
      expect(await rawMeta(a, key)).toBeUndefined();
    const restarted = await a.restart();
    expect(stateOf(restarted)).toBe('locked');
    await restarted.engine.unlockDevice(PASSPHRASE);
    await waitFor('a to be back', () => !['locked', 'syncing'].includes(stateOf(restarted)));
    expect(restarted.engine.getStatus().account?.fingerprint).toBe(after);
    await b.engine.create('profiles', profile('From b after'));
    await syncQuiet(b);
    expect(b.engine.getStatus().account?.fingerprint).toBe(after);
    await syncQuiet(restarted);
    const names = (await restarted.engine.list('profiles')).map((record) => record.data.name);
    expect(names).toEqual(expect.arrayContaining(['Rotated', 'From b after']));
    await restarted.engine.close();
    await b.engine.close();
  });
});
