import { describe, expect, it } from 'vitest';
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import type { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet, waitFor } from '../rig/devices';
import {
  accountRef,
  openWithKept,
  keyedProfile as profile,
  threeDevices,
} from '../rig/three-devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const account = () => threeDevices(backend, { profiles: 5 });

/** A device whose next key-document write first lets `other` run to its end: a certain race. */
async function racingDevice(person: ReturnType<typeof newPerson>, recoveryKey: string) {
  let other: (() => Promise<unknown>) | null = null;
  const racer = await newDevice('racer', {
    through: async (input, init) => {
      if (init?.method === 'PUT' && new URL(input).pathname === '/v1/keys' && other) {
        const run = other;
        other = null;
        await run();
      }
      return globalThis.fetch(input, init);
    },
  });
  await connect(racer, backend, person, recoveryKey);
  const raceWith = (run: () => Promise<unknown>) => {
    other = run;
  };
  return { racer, raceWith };
}

describe('key rotation after revoking a device', () => {
  it('re-keys every record; the others pick the new epoch up, the revoked device cannot', async () => {
    const { laptop, phone, tablet, recoveryKey, person } = await account();
    const before = laptop.engine.getStatus().account?.fingerprint;
    const stolenKeys = await readMeta(
      await openEngineDatabase(tablet.factory, tablet.dbName),
      'keys',
    );
    await laptop.engine.revokeDevice(accountRef(tablet).deviceId);
    const { recoveryKey: fresh } = await laptop.engine.rotateAccountKey();
    expect(fresh).toBeNull();
    await syncQuiet(laptop);
    expect(laptop.engine.getStatus().rotation).toBeNull();
    const after = laptop.engine.getStatus().account?.fingerprint;
    expect(after).not.toBe(before);

    const records = await backend.records(accountRef(laptop));
    expect(records.size).toBe(5);
    for (const record of records.values()) expect(record.key_fingerprint).toBe(after);

    // The phone picks the new epoch up on its next sync: no secret typed.
    await phone.engine.create('profiles', profile('after'));
    await syncQuiet(phone);
    await syncQuiet(laptop);
    expect(phone.engine.getStatus().account?.fingerprint).toBe(after);
    expect((await laptop.engine.list('profiles')).map((p) => p.data.name)).toContain('after');

    // What the revoked tablet kept cannot open what was written after the rotation.
    const latest = [...(await backend.records(accountRef(laptop))).values()].find(
      (r) => r.key_fingerprint === after,
    );
    if (!stolenKeys || !latest) throw new Error('setup');
    await expect(openWithKept(stolenKeys, latest)).rejects.toMatchObject({ code: 'wrong_key' });

    // The recovery key still unlocks the account on a brand-new device.
    const fresh2 = await newDevice('new laptop');
    await connect(fresh2, backend, person, recoveryKey);
    await syncQuiet(fresh2);
    expect(fresh2.engine.getStatus().account?.fingerprint).toBe(after);
    expect(fresh2.engine.getStatus().counts.profiles).toBe(6);
    for (const d of [laptop, phone, tablet, fresh2]) await d.engine.close();
  });

  it('a rotation interrupted before its answer arrived completes on the next start', async () => {
    const { laptop, phone, tablet } = await account();
    await laptop.engine.revokeDevice(accountRef(tablet).deviceId);
    // The server takes the new key document; its answer never arrives and the worker dies.
    laptop.net.inject({ fault: 'responseLost', match: /^PUT \/v1\/keys$/ });
    await expect(laptop.engine.rotateAccountKey()).rejects.toMatchObject({
      code: 'network_unreachable',
    });
    const before = laptop.engine.getStatus().account?.fingerprint;
    const restarted = await laptop.restart();
    await waitFor('the rotation to resume', () => {
      const now = restarted.engine.getStatus().account?.fingerprint;
      return now != null && now !== before;
    });
    await syncQuiet(restarted);
    expect(restarted.engine.getStatus().rotation).toBeNull();
    const fingerprint = restarted.engine.getStatus().account?.fingerprint;
    for (const record of (await backend.records(accountRef(restarted))).values())
      expect(record.key_fingerprint).toBe(fingerprint);
    await syncQuiet(phone);
    expect(phone.engine.getStatus().account?.fingerprint).toBe(fingerprint);
    for (const d of [restarted, phone, tablet]) await d.engine.close();
  });

  it('a rotation stopped while resealing finishes after a restart, nothing lost', async () => {
    const { laptop, phone, tablet } = await account();
    await laptop.engine.revokeDevice(accountRef(tablet).deviceId);
    // The new key document never reaches the server: a restart sends it again.
    laptop.net.inject({ fault: 'requestLost', match: /^PUT \/v1\/keys$/ });
    await expect(laptop.engine.rotateAccountKey()).rejects.toMatchObject({
      code: 'network_unreachable',
    });
    const restarted = await laptop.restart();
    // Its re-uploads are lost too (the next stop comes in the middle of resealing).
    restarted.net.inject({ fault: 'requestLost', match: /^POST \/v1\/batch$/, times: 50 });
    await waitFor(
      'the rotation to publish',
      () => (restarted.engine.getStatus().rotation?.total ?? 0) > 0,
    );
    expect(restarted.engine.getStatus().rotation).toMatchObject({ total: 5, done: 0 });
    expect(restarted.engine.getStatus().pendingEdits).toBe(0);
    const again = await restarted.restart();
    await syncQuiet(again);
    expect(again.engine.getStatus().rotation).toBeNull();
    const fingerprint = again.engine.getStatus().account?.fingerprint;
    const records = await backend.records(accountRef(again));
    expect(records.size).toBe(5);
    for (const record of records.values()) expect(record.key_fingerprint).toBe(fingerprint);
    await syncQuiet(phone);
    expect(phone.engine.getStatus().counts.profiles).toBe(5);
    for (const d of [again, phone, tablet]) await d.engine.close();
  });

  it('refuses a server that rolls the key document back to an older epoch; the key stays', async () => {
    const { laptop, phone, tablet } = await account();
    const session = await readMeta(
      await openEngineDatabase(laptop.factory, laptop.dbName),
      'session',
    );
    const response = await fetch(`${backend.url}/v1/keys`, {
      headers: { authorization: `Bearer ${session?.accessToken}` },
    });
    const old = (await response.json()) as {
      key_document: string;
      key_fingerprint: string;
      epoch: number;
    };
    await laptop.engine.rotateAccountKey();
    await syncQuiet(laptop);
    await syncQuiet(phone);
    const rotated = phone.engine.getStatus().account?.fingerprint;
    expect(rotated).not.toBe(old.key_fingerprint);

    await backend.replaceKeyDocument(accountRef(phone).accountId, {
      document: old.key_document,
      fingerprint: old.key_fingerprint,
      epoch: old.epoch,
    });
    await phone.engine.create('profiles', profile('during the rollback'));
    const report = await phone.engine.syncNow();
    expect(report.error?.code).toBe('key_document_invalid');
    expect(phone.engine.getStatus().state.kind).toBe('error');
    expect(phone.engine.getStatus().account?.fingerprint).toBe(rotated);
    expect(phone.engine.getStatus().pendingEdits).toBe(1);
    for (const d of [laptop, phone, tablet]) await d.engine.close();
  });

  it('a re-wrap raced by another re-wrap of the same key is rebuilt on the one that won', async () => {
    const { laptop, phone, tablet, person, recoveryKey } = await account();
    // The racer's key write waits until the phone has written its own: a certain race.
    const { racer, raceWith } = await racingDevice(person, recoveryKey);
    let phoneKey: string | null = null;
    raceWith(async () => {
      phoneKey = (await phone.engine.changeKeySecrets({ newRecoveryKey: true })).recoveryKey;
    });
    const { recoveryKey: racerKey } = await racer.engine.changeKeySecrets({ newRecoveryKey: true });
    expect(phoneKey).toMatch(/\S/);
    // The racer wrote last, on top of the phone's document: its recovery key is the account's.
    const joining = await newDevice('joining');
    await connect(joining, backend, person, racerKey as string);
    expect(joining.engine.getStatus().account?.fingerprint).toBe(
      laptop.engine.getStatus().account?.fingerprint,
    );
    for (const d of [laptop, phone, tablet, racer, joining]) await d.engine.close();
  });

  it('a re-wrap raced by a rotation says the key changed and writes nothing', async () => {
    const { laptop, phone, tablet, person, recoveryKey } = await account();
    const { racer, raceWith } = await racingDevice(person, recoveryKey);
    raceWith(() => laptop.engine.rotateAccountKey());
    await expect(racer.engine.changeKeySecrets({ newRecoveryKey: true })).rejects.toMatchObject({
      code: 'key_changed',
    });
    await syncQuiet(laptop);
    await syncQuiet(phone);
    expect(phone.engine.getStatus().account?.fingerprint).toBe(
      laptop.engine.getStatus().account?.fingerprint,
    );
    for (const d of [laptop, phone, tablet, racer]) await d.engine.close();
  });

  it('rebuilds a rotation raced by another device writing the key document', async () => {
    const { laptop, phone, tablet, person } = await account();
    // The phone re-wraps (a new recovery key) while the laptop rotates: whichever write lands
    // second must not be lost, and the rotation must not fail for it.
    const [rewrap, rotation] = await Promise.allSettled([
      phone.engine.changeKeySecrets({ newRecoveryKey: true }),
      laptop.engine.rotateAccountKey(),
    ]);
    expect(rotation.status).toBe('fulfilled');
    await syncQuiet(laptop);
    await syncQuiet(phone);
    const fingerprint = laptop.engine.getStatus().account?.fingerprint;
    expect(phone.engine.getStatus().account?.fingerprint).toBe(fingerprint);
    if (rewrap.status === 'fulfilled') {
      // The phone's new recovery key survived the rotation built on top of it.
      const joining = await newDevice('joining');
      await connect(joining, backend, person, rewrap.value.recoveryKey as string);
      expect(joining.engine.getStatus().account?.fingerprint).toBe(fingerprint);
      await joining.engine.close();
    } else {
      expect(rewrap.reason).toMatchObject({ code: 'key_changed' });
    }
    for (const d of [laptop, phone, tablet]) await d.engine.close();
  });
});
