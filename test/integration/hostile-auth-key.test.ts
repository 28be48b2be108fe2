/**
 * K_auth rotates with every epoch against a lying server: a device offline across two rotations
 * follows the transition tags to the current K_auth, and a document that claims a new K_auth
 * without a tag under the pinned one (made by someone holding only an old master and K_auth)
 * is refused: the key, the pins and the data are kept, and the device syncs once the server is
 * honest again.
 */
import { describe, expect, it } from 'vitest';
import { generateMasterKey } from '../../src/engine/crypto';
import { fingerprintOf } from '../../src/engine/crypto/kdf';
import { makeTransition } from '../../src/engine/crypto/key-document/auth-transition';
import { buildKeyDocument } from '../../src/engine/crypto/key-document/build-open';
import { decodeKeyDocument, encodeKeyDocument } from '../../src/engine/crypto/key-document/format';
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet, type TestDevice } from '../rig/devices';
import { keyedProfile as profile } from '../rig/three-devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

function accountOf(device: TestDevice) {
  const account = device.engine.getStatus().account;
  if (!account) throw new Error(`${device.name} is not signed in`);
  return account;
}

async function meta(device: TestDevice) {
  const db = await openEngineDatabase(device.factory, device.dbName);
  const keys = await readMeta(db, 'keys');
  const pins = await readMeta(db, 'keyPins');
  if (!keys?.authKey || !pins) throw new Error(`${device.name} holds no key`);
  return { keys, pins };
}

async function serverDocument(device: TestDevice) {
  const db = await openEngineDatabase(device.factory, device.dbName);
  const session = await readMeta(db, 'session');
  const response = await fetch(`${backend.url}/v1/keys`, {
    headers: { authorization: `Bearer ${session?.accessToken}` },
  });
  return (await response.json()) as {
    key_document: string;
    key_fingerprint: string;
    epoch: number;
  };
}

const LOW_FLOORS = { pbkdf2Iterations: 1, argon2: { memoryKiB: 8, iterations: 1, parallelism: 1 } };

async function account() {
  const person = newPerson();
  const laptop = await newDevice('laptop');
  const phone = await newDevice('phone');
  const recoveryKey = (await connect(laptop, backend, person)) as string;
  for (let i = 0; i < 3; i++) await laptop.engine.create('profiles', profile(`p${i}`));
  await syncQuiet(laptop);
  await connect(phone, backend, person, recoveryKey);
  await syncQuiet(phone);
  await syncQuiet(laptop);
  return { person, recoveryKey, laptop, phone };
}

describe('K_auth rotation against a lying server', () => {
  it('a device offline across two rotations follows the transition tags and pins the new K_auth', async () => {
    const { laptop, phone } = await account();
    const before = (await meta(phone)).keys;
    await laptop.engine.rotateAccountKey();
    await syncQuiet(laptop);
    await laptop.engine.rotateAccountKey();
    await laptop.engine.create('profiles', profile('after two rotations'));
    await syncQuiet(laptop);
    const current = (await meta(laptop)).keys;
    expect(current.epoch).toBe(before.epoch + 2);
    expect(current.authKey).not.toEqual(before.authKey);

    await syncQuiet(phone);
    const { keys, pins } = await meta(phone);
    expect(keys.fingerprint).toBe(current.fingerprint);
    expect(keys.authKey).toEqual(current.authKey);
    expect(pins.authKey).toEqual(current.authKey);
    expect(pins.epoch).toBe(current.epoch);
    expect(phone.engine.getStatus().counts.profiles).toBe(4);
    for (const d of [laptop, phone]) await d.engine.close();
  });

  it('refuses a new K_auth without a tag under the pinned one; key and data kept', async () => {
    const { laptop, phone } = await account();
    // What a revoked device kept: the epoch-1 master and K_auth.
    const old = (await meta(phone)).keys;
    await laptop.engine.rotateAccountKey();
    await syncQuiet(laptop);
    await syncQuiet(phone);
    const pinned = await meta(phone);
    expect(pinned.keys.epoch).toBe(old.epoch + 1);
    const genuine = await serverDocument(phone);

    // The old holder builds epoch 3 around a master and K_auth of its own, sealed to the
    // phone's public key, with a tag it can make: one under the old K_auth.
    const doc = decodeKeyDocument(genuine.key_document, LOW_FLOORS);
    const devices = new Map<string, string>();
    for (const [name, entry] of Object.entries(doc.recipients)) {
      if (name.startsWith('device:') && entry.pub) devices.set(name.slice(7), entry.pub);
    }
    const forgedMaster = generateMasterKey();
    const forgedAuth = generateMasterKey();
    const epoch = genuine.epoch + 1;
    const fingerprint = await fingerprintOf(forgedMaster, old.accountId, epoch);
    const step = await makeTransition(
      old.authKey as Uint8Array,
      old.accountId,
      epoch,
      fingerprint,
      forgedAuth,
      [...devices.keys()],
    );
    const forged = await buildKeyDocument({
      master: forgedMaster,
      accountId: old.accountId,
      epoch,
      tokenRoot: old.tokenRoot,
      authKey: forgedAuth,
      wraps: doc.wraps,
      devices,
      previous: [{ epoch: old.epoch, master: old.master, fingerprint: old.fingerprint }],
      transitions: [step, ...(doc.transitions ?? [])],
    });
    await backend.replaceKeyDocument(old.accountId, {
      document: encodeKeyDocument(forged.doc),
      fingerprint: forged.fingerprint,
      epoch,
    });

    await phone.engine.create('profiles', profile('during the forgery'));
    const report = await phone.engine.syncNow();
    expect(report.error?.code).toBe('key_unverified');
    const kept = await meta(phone);
    expect(kept.keys.fingerprint).toBe(pinned.keys.fingerprint);
    expect(kept.keys.authKey).toEqual(pinned.keys.authKey);
    expect(kept.pins.authKey).toEqual(pinned.keys.authKey);
    expect(accountOf(phone).fingerprint).toBe(pinned.keys.fingerprint);
    expect(phone.engine.getStatus().counts.profiles).toBe(4);
    expect(phone.engine.getStatus().pendingEdits).toBe(1);

    // The server turns honest: the edit goes out under the genuine key.
    await backend.replaceKeyDocument(old.accountId, {
      document: genuine.key_document,
      fingerprint: genuine.key_fingerprint,
      epoch: genuine.epoch,
    });
    await syncQuiet(phone);
    expect(phone.engine.getStatus().pendingEdits).toBe(0);
    await syncQuiet(laptop);
    expect(laptop.engine.getStatus().counts.profiles).toBe(4);
    for (const d of [laptop, phone]) await d.engine.close();
  });
});
