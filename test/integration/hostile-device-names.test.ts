/**
 * Device names against a server that relabels devices in its device list. Each device writes its
 * own name into its key-document entry, under the document's mac, so the revoke-and-rotate
 * preview and the device list show the names the devices gave themselves, flag the server's when
 * it differs, carry them across the rotation, and fall back to the server's name, marked
 * unverified, only for a document written before names existed.
 */
import { describe, expect, it } from 'vitest';
import { inspectKeyDocument } from '../../src/engine/crypto';
import { decode, encode } from '../../src/engine/crypto/key-document/key-document.test-helper';
import { signKeyDocument } from '../../src/engine/crypto/key-document/mac';
import { deviceInfo } from '../../src/host/views';
import type { Device, KeyDocument } from '../../src/protocol';
import { syncQuiet } from '../rig/devices';
import { HostileServer } from '../rig/hostile-server';
import { accountRef, keysOf, threeDevices } from '../rig/three-devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

/** A laptop behind a lying server, a phone and a tablet (stolen, to be revoked). */
async function account() {
  const liar = new HostileServer();
  const scene = await threeDevices(backend, { profiles: 2, laptopThrough: liar.fetch });
  await syncQuiet(scene.laptop);
  return {
    ...scene,
    liar,
    ids: {
      laptop: accountRef(scene.laptop).deviceId,
      phone: accountRef(scene.phone).deviceId,
      tablet: accountRef(scene.tablet).deviceId,
    },
  };
}

/** The server's device list as the liar serves it: `names` relabels devices by id. */
function relabel(liar: HostileServer, names: Record<string, string>) {
  liar.rewrite(/^GET \/v1\/devices$/, (reply) => {
    const body = reply.json as { devices: Device[] };
    return {
      json: { devices: body.devices.map((d) => ({ ...d, name: names[d.id] ?? d.name })) },
    };
  });
}

describe('device names the server cannot relabel', () => {
  it('the preview shows the true names and flags the server’s; the rotation carries them', async () => {
    const { liar, laptop, phone, tablet, ids } = await account();
    // The thief's tablet is dressed up as the phone, and the phone as something forgettable.
    relabel(liar, { [ids.tablet]: 'My phone', [ids.phone]: 'Old test device' });
    let published = '';
    liar.rewrite(/^PUT \/v1\/keys$/, (_reply, request) => {
      published = (request.body as { key_document: string }).key_document;
      return undefined;
    });

    // Revoking the phone (which the server calls "Old test device"): the tablet would stay,
    // and the preview names it as the tablet, not as the server's "My phone".
    const wrong = await laptop.engine.previewRevokeAndRotate([ids.phone]);
    expect(wrong.recipients.find((r) => r.id === ids.tablet)).toMatchObject({
      name: 'tablet',
      nameVerified: true,
      serverName: 'My phone',
    });

    const plan = await laptop.engine.previewRevokeAndRotate([ids.tablet]);
    expect(
      plan.recipients.map(({ id, name, nameVerified, serverName }) => ({
        id,
        name,
        nameVerified,
        serverName,
      })),
    ).toEqual(
      expect.arrayContaining([
        { id: ids.laptop, name: 'laptop', nameVerified: true, serverName: null },
        { id: ids.phone, name: 'phone', nameVerified: true, serverName: 'Old test device' },
      ]),
    );
    expect(plan.recipients).toHaveLength(2);

    // The device list shows the same: the verified name first, the server's flagged.
    const listed = await laptop.engine.listDevices();
    const info = new Map(listed.map((d) => [d.id, deviceInfo(d)]));
    expect(info.get(ids.tablet)).toMatchObject({
      name: 'tablet',
      nameVerified: true,
      serverName: 'My phone',
    });
    expect(info.get(ids.laptop)).toMatchObject({ name: 'laptop', serverName: null });

    // The rotation carries the names into the new epoch, still under the mac.
    await laptop.engine.revokeAndRotate([ids.tablet], { newRecoveryKey: false });
    await syncQuiet(laptop);
    const keys = await keysOf(laptop);
    const inspected = await inspectKeyDocument(published, keys.accountId, keys.master);
    expect(Object.fromEntries(inspected.deviceNames)).toEqual({
      [ids.laptop]: 'laptop',
      [ids.phone]: 'phone',
    });
    const after = await laptop.engine.previewRevokeAndRotate([ids.phone]);
    expect(after.recipients).toEqual([
      expect.objectContaining({ id: ids.laptop, name: 'laptop', nameVerified: true }),
    ]);
    liar.honest();
    for (const d of [laptop, phone, tablet]) await d.engine.close();
  });

  it('a rename on a device holding the key is written into the document for every device', async () => {
    const { liar, laptop, phone, tablet, ids } = await account();
    await laptop.engine.renameDevice(ids.tablet, 'Kitchen tablet');
    // The phone reads the document the laptop re-signed: the new name is verified there too.
    const onPhone = (await phone.engine.listDevices()).find((d) => d.id === ids.tablet);
    expect(onPhone).toMatchObject({ name: 'Kitchen tablet', verifiedName: 'Kitchen tablet' });
    // Relabelling it afterwards is flagged, the person's name kept.
    relabel(liar, { [ids.tablet]: 'My phone' });
    const plan = await laptop.engine.previewRevokeAndRotate([ids.phone]);
    expect(plan.recipients.find((r) => r.id === ids.tablet)).toMatchObject({
      name: 'Kitchen tablet',
      serverName: 'My phone',
    });
    liar.honest();
    for (const d of [laptop, phone, tablet]) await d.engine.close();
  });

  it('a document from before names opens; the server’s names show, marked unverified', async () => {
    const { liar, laptop, phone, tablet, ids } = await account();
    // An authentic document without names (as written before they existed), signed with the
    // account's own K_auth: only the missing names differ from what the server holds.
    const keys = await keysOf(laptop);
    relabel(liar, { [ids.tablet]: 'My phone' });
    liar.rewrite(/^GET \/v1\/keys$/, async (reply) => {
      const current = reply.json as KeyDocument;
      const { accountId, master } = keys;
      const inspected = await inspectKeyDocument(current.key_document, accountId, master);
      expect(inspected.deviceNames.size).toBe(3);
      const { mac: _mac, ...unsigned } = decode(current.key_document);
      for (const entry of Object.values(unsigned.recipients))
        delete (entry as { deviceName?: string }).deviceName;
      const signed = await signKeyDocument(inspected.authKey, keys.accountId, unsigned as never);
      return { json: { ...current, key_document: encode(signed) } };
    });
    const plan = await laptop.engine.previewRevokeAndRotate([ids.phone]);
    expect(plan.recipients.find((r) => r.id === ids.tablet)).toMatchObject({
      name: 'My phone',
      nameVerified: false,
      serverName: null,
    });
    expect(plan.recipients.every((r) => !r.nameVerified)).toBe(true);
    const listed = (await laptop.engine.listDevices()).find((d) => d.id === ids.tablet);
    expect(listed && deviceInfo(listed)).toMatchObject({ name: 'My phone', nameVerified: false });
    liar.honest();
    for (const d of [laptop, phone, tablet]) await d.engine.close();
  });
});
