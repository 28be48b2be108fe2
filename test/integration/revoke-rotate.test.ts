/**
 * Revoke-and-rotate as one action against a server that lies about which devices are live: the
 * new epoch's recipients come from the MAC-verified key document minus the devices revoked here,
 * the revoked device cannot open the new epoch, tombstones are resealed too, and a crash midway
 * resumes and still revokes.
 */
import { describe, expect, it } from 'vitest';
import type { ListedDevice } from '../../src/engine';
import { inspectKeyDocument } from '../../src/engine/crypto';
import type { Device } from '../../src/protocol';
import { connect, newDevice, syncQuiet, waitFor } from '../rig/devices';
import { HostileServer } from '../rig/hostile-server';
import { accountRef, keysOf, openWithKept, threeDevices } from '../rig/three-devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

/** A laptop behind a lying server, a phone and a tablet (the one to be revoked). */
async function account() {
  const liar = new HostileServer();
  const scene = await threeDevices(backend, { profiles: 4, laptopThrough: liar.fetch });
  await syncQuiet(scene.laptop);
  return { ...scene, liar };
}

/** The server keeps listing `device` as a live device after it was revoked. */
function keepListing(liar: HostileServer, listed: ListedDevice) {
  // What the server listed, without the name the engine added from the key document.
  const { verifiedName: _verified, ...device } = listed;
  liar.rewrite(/^GET \/v1\/devices$/, (reply) => {
    const body = reply.json as { devices: Device[] };
    if (body.devices.some((d) => d.id === device.id)) return undefined;
    return { json: { devices: [...body.devices, { ...device, current: false }] } };
  });
}

describe('revoke and rotate as one action', () => {
  it('drops the revoked device though the server keeps listing it; it cannot open the new epoch', async () => {
    const { liar, laptop, phone, tablet, recoveryKey, person } = await account();
    const tabletId = accountRef(tablet).deviceId;
    const tabletListed = (await laptop.engine.listDevices()).find((d) => d.id === tabletId);
    if (!tabletListed) throw new Error('setup');
    const stolen = await keysOf(tablet);
    keepListing(liar, tabletListed);
    let published = '';
    liar.rewrite(/^PUT \/v1\/keys$/, (_reply, request) => {
      published = (request.body as { key_document: string }).key_document;
      return undefined;
    });

    // The person is shown the recipients of the new epoch, by name, before it runs.
    const plan = await laptop.engine.previewRevokeAndRotate([tabletId]);
    expect(plan.dropped).toEqual([tabletId]);
    expect(plan.keep).not.toContain(tabletId);
    expect(plan.recipients.map((r) => r.name).sort()).toEqual(['laptop', 'phone']);
    expect(plan.recipients.find((r) => r.self)?.name).toBe('laptop');
    expect(plan.recipients.every((r) => !r.notListed)).toBe(true);
    // Each recipient's key fingerprint comes from the MAC-covered document entry.
    for (const r of plan.recipients)
      expect(r.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
    expect(new Set(plan.recipients.map((r) => r.fingerprint)).size).toBe(2);

    const { recoveryKey: fresh } = await laptop.engine.revokeAndRotate([tabletId]);
    // A new recovery key by default: the old one may have been read on the revoked device.
    expect(fresh).toMatch(/\S/);
    expect(fresh).not.toBe(recoveryKey);
    expect(liar.log).toContain(`DELETE /v1/devices/${tabletId}`);
    await syncQuiet(laptop);
    expect(laptop.engine.getStatus().rotation).toBeNull();
    const keys = await keysOf(laptop);
    expect(keys.fingerprint).not.toBe(stolen.fingerprint);

    // The published document, authenticated, is sealed to the laptop and the phone only.
    const inspected = await inspectKeyDocument(published, keys.accountId, keys.master);
    expect(inspected.devices.sort()).toEqual(
      [accountRef(laptop).deviceId, accountRef(phone).deviceId].sort(),
    );

    // What the tablet kept opens nothing written under the new epoch.
    const records = await backend.records(accountRef(laptop));
    for (const record of records.values()) {
      expect(record.key_fingerprint).toBe(keys.fingerprint);
      await expect(openWithKept(stolen, record)).rejects.toMatchObject({ code: 'wrong_key' });
    }

    // The phone picks the new epoch up, and the tablet is signed out by the server.
    await syncQuiet(phone);
    expect(phone.engine.getStatus().account?.fingerprint).toBe(keys.fingerprint);
    expect(phone.engine.getStatus().counts.profiles).toBe(4);
    await tablet.engine.syncNow();
    expect(tablet.engine.getStatus().account?.fingerprint).not.toBe(keys.fingerprint);

    // The recovery key it returned unlocks a brand-new device on the new epoch.
    const fresh2 = await newDevice('new laptop');
    await connect(fresh2, backend, person, fresh ?? undefined);
    await syncQuiet(fresh2);
    expect(fresh2.engine.getStatus().account?.fingerprint).toBe(keys.fingerprint);
    for (const d of [laptop, phone, tablet, fresh2]) await d.engine.close();
  });

  it('flags a recipient the server does not list, and refuses to revoke itself or nothing', async () => {
    const { liar, laptop, phone, tablet } = await account();
    const phoneId = accountRef(phone).deviceId;
    // The server hides the phone: it stays a recipient (the document says so), flagged, and
    // still named, by the name the phone wrote into its own document entry.
    liar.rewrite(/^GET \/v1\/devices$/, (reply) => {
      const body = reply.json as { devices: Device[] };
      return { json: { devices: body.devices.filter((d) => d.id !== phoneId) } };
    });
    const plan = await laptop.engine.previewRevokeAndRotate([accountRef(tablet).deviceId]);
    expect(plan.recipients.find((r) => r.id === phoneId)).toMatchObject({
      notListed: true,
      name: 'phone',
      nameVerified: true,
      serverName: null,
    });
    await expect(
      laptop.engine.revokeAndRotate([accountRef(laptop).deviceId]),
    ).rejects.toMatchObject({ code: 'cannot_revoke_self' });
    await expect(laptop.engine.revokeAndRotate([])).rejects.toMatchObject({
      code: 'nothing_to_revoke',
    });
    liar.honest();
    for (const d of [laptop, phone, tablet]) await d.engine.close();
  });

  it('reseals tombstones too, so no record stays under the old epoch', async () => {
    const { laptop, phone, tablet } = await account();
    const [first] = await laptop.engine.list('profiles');
    if (!first) throw new Error('setup');
    await laptop.engine.delete('profiles', first.id);
    await syncQuiet(laptop);
    const before = await backend.records(accountRef(laptop));
    expect(before.get(first.id)?.deleted).toBe(true);

    await laptop.engine.revokeAndRotate([accountRef(tablet).deviceId], { newRecoveryKey: false });
    await syncQuiet(laptop);
    expect(laptop.engine.getStatus().rotation).toBeNull();
    const fingerprint = laptop.engine.getStatus().account?.fingerprint;
    const after = await backend.records(accountRef(laptop));
    expect(after.get(first.id)?.deleted).toBe(true);
    for (const record of after.values()) expect(record.key_fingerprint).toBe(fingerprint);
    await syncQuiet(phone);
    expect(phone.engine.getStatus().counts.profiles).toBe(3);
    for (const d of [laptop, phone, tablet]) await d.engine.close();
  });

  it('a crash before the new document is published resumes: the device is revoked and dropped', async () => {
    const { liar, laptop, phone, tablet } = await account();
    const tabletId = accountRef(tablet).deviceId;
    const tabletListed = (await laptop.engine.listDevices()).find((d) => d.id === tabletId);
    if (!tabletListed) throw new Error('setup');
    keepListing(liar, tabletListed);
    const before = laptop.engine.getStatus().account?.fingerprint;
    laptop.net.inject({ fault: 'requestLost', match: /^PUT \/v1\/keys$/ });
    await expect(
      laptop.engine.revokeAndRotate([tabletId], { newRecoveryKey: false }),
    ).rejects.toMatchObject({ code: 'network_unreachable' });
    const restarted = await laptop.restart();
    await waitFor('the rotation to resume', () => {
      const now = restarted.engine.getStatus().account?.fingerprint;
      return now != null && now !== before;
    });
    await syncQuiet(restarted);
    expect(restarted.engine.getStatus().rotation).toBeNull();
    expect(liar.log.filter((l) => l === `DELETE /v1/devices/${tabletId}`).length).toBe(2);
    const keys = await keysOf(restarted);
    await syncQuiet(phone);
    expect(phone.engine.getStatus().account?.fingerprint).toBe(keys.fingerprint);
    // The tablet's entry is gone from the new epoch though the server still lists it.
    const plan = await restarted.engine.previewRevokeAndRotate([accountRef(phone).deviceId]);
    expect(plan.keep).toEqual([accountRef(restarted).deviceId]);
    for (const d of [restarted, phone, tablet]) await d.engine.close();
  });

  it('a revoke, then a plain rotation later, still leaves the device out though the server lists it', async () => {
    const { liar, laptop, phone, tablet } = await account();
    const tabletId = accountRef(tablet).deviceId;
    const tabletListed = (await laptop.engine.listDevices()).find((d) => d.id === tabletId);
    if (!tabletListed) throw new Error('setup');
    const stolen = await keysOf(tablet);
    // The Devices page's Revoke, then "Rotate key now" in the panel after it: two actions.
    await laptop.engine.revokeDevice(tabletId);
    keepListing(liar, tabletListed);
    // The preview of any later rotation shows it dropped, by the document's word.
    const plan = await laptop.engine.previewRevokeAndRotate([accountRef(phone).deviceId]);
    expect(plan.dropped.sort()).toEqual([accountRef(phone).deviceId, tabletId].sort());
    let published = '';
    liar.rewrite(/^PUT \/v1\/keys$/, (_reply, request) => {
      published = (request.body as { key_document: string }).key_document;
      return undefined;
    });
    // A restart in between: the note outlives the worker.
    const restarted = await laptop.restart();
    await restarted.engine.rotateAccountKey();
    await syncQuiet(restarted);
    expect(restarted.engine.getStatus().rotation).toBeNull();
    const keys = await keysOf(restarted);
    const inspected = await inspectKeyDocument(published, keys.accountId, keys.master);
    expect(inspected.devices.sort()).toEqual(
      [accountRef(restarted).deviceId, accountRef(phone).deviceId].sort(),
    );
    for (const record of (await backend.records(accountRef(restarted))).values())
      await expect(openWithKept(stolen, record)).rejects.toMatchObject({ code: 'wrong_key' });
    await syncQuiet(phone);
    expect(phone.engine.getStatus().account?.fingerprint).toBe(keys.fingerprint);
    for (const d of [restarted, phone, tablet]) await d.engine.close();
  });
});
