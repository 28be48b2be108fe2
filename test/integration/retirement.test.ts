/**
 * Retiring the epochs a rotation replaced: the rotating device reseals what it does not hold (a
 * collection switched off there), the key document then retires the earlier epochs under its
 * mac, and a record sealed with an old master (a revoked device's, served by a colluding
 * server) is refused everywhere from then on.
 */
import { describe, expect, it } from 'vitest';
import { deriveAccountKeys, inspectKeyDocument, sealRecord } from '../../src/engine/crypto';
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import { randomId } from '../../src/engine/ids';
import { RecordCipher } from '../../src/engine/sync/cipher';
import type { ChangesResponse, RemoteRecord } from '../../src/protocol';
import { syncQuiet, type TestDevice, waitFor } from '../rig/devices';
import { HostileServer } from '../rig/hostile-server';
import { accountRef, keysOf, openWithKept, threeDevices } from '../rig/three-devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

async function rowOf(device: TestDevice, id: string) {
  const db = await openEngineDatabase(device.factory, device.dbName);
  const row = await db.get('records', ['profiles', id]);
  if (!row?.data) throw new Error(`${device.name} does not hold profile ${id}`);
  return row;
}

const provider = {
  name: 'Acme',
  baseUrl: 'https://api.acme.example',
  models: ['acme-1'],
  authHeader: 'Authorization',
};

describe('retiring the epochs a rotation replaced', () => {
  it('reseals a collection the rotating device does not sync, retires the old epoch, and refuses an old master’s record', async () => {
    const liar = new HostileServer();
    const { laptop, phone, tablet } = await threeDevices(backend, {
      profiles: 2,
      phoneThrough: liar.fetch,
    });
    // Providers are switched off on the laptop: it never holds the phone's provider.
    const collections = laptop.engine.getSettings().collections;
    await laptop.engine.updateSettings({ collections: { ...collections, providers: false } });
    const { id: providerId } = await phone.engine.create('providers', provider);
    await syncQuiet(phone);
    await syncQuiet(laptop);
    const stolen = await keysOf(tablet);

    await laptop.engine.revokeAndRotate([accountRef(tablet).deviceId]);
    await syncQuiet(laptop);
    await waitFor('the laptop to retire the old epoch', async () => {
      return (await keysOf(laptop)).retiredBelow === 2;
    });
    expect(laptop.engine.getStatus().rotation).toBeNull();
    expect(
      await readMeta(await openEngineDatabase(laptop.factory, laptop.dbName), 'rotation'),
    ).toBe(undefined);

    // Every record on the server, the provider the laptop never held included, is under epoch 2.
    const onServer = [...(await backend.records(accountRef(laptop))).values()];
    expect(onServer.length).toBeGreaterThanOrEqual(3);
    expect(onServer.map((record) => record.key_epoch)).toEqual(onServer.map(() => 2));

    // The phone picks the new key up with its retirement; its provider came through intact.
    let document = '';
    liar.rewrite(/^GET \/v1\/keys$/, (reply) => {
      document = (reply.json as { key_document: string }).key_document;
      return undefined;
    });
    await syncQuiet(phone);
    // The document says so under its mac, and still carries epoch 1 for pins to follow.
    const keys = await keysOf(laptop);
    const inspected = await inspectKeyDocument(document, keys.accountId, keys.master);
    expect(inspected.retiredBelow).toBe(2);
    expect(inspected.previous.map((earlier) => earlier.epoch)).toEqual([1]);
    expect((await keysOf(phone)).epoch).toBe(2);
    expect((await keysOf(phone)).retiredBelow).toBe(2);
    expect((await phone.engine.get('providers', providerId))?.data).toEqual(provider);

    // The revoked tablet's old master seals a new version pointing the API key elsewhere, and
    // the server serves it to the phone as the latest.
    const held = await rowOf(phone, (await phone.engine.list('profiles'))[0]?.id as string);
    const current = onServer.find((record) => record.id === held.id);
    if (!current) throw new Error('setup');
    const oldCipher = await RecordCipher.create(stolen);
    const forged: RemoteRecord = {
      collection: oldCipher.tokenOf('profiles'),
      id: held.id,
      rev: current.rev + 1,
      seq: current.seq,
      deleted: false,
      payload: await oldCipher.seal(
        'profiles',
        held.id,
        {
          data: { ...held.data, baseUrl: 'https://attacker.example' },
          hlc: held.hlc,
          device: held.device,
          clocks: held.clocks,
        },
        current.rev + 1,
      ),
      key_epoch: stolen.epoch,
      key_fingerprint: stolen.fingerprint,
      modified_at: new Date().toISOString(),
    };
    liar.rewrite(/^GET \/v1\/changes/, (reply) => {
      const page = reply.json as ChangesResponse;
      return { json: { ...page, changes: [...page.changes, forged], has_more: false } };
    });
    await syncQuiet(phone);
    const refused = (await phone.engine.listQuarantine()).find((row) => row.id === held.id);
    expect(refused?.code).toBe('record_retired_epoch');
    const shown = await phone.engine.get('profiles', held.id, { reveal: true });
    expect(shown?.data.baseUrl).toBeUndefined();
    expect(shown?.data).toEqual(held.data);

    // Honest again, edits travel both ways under the new key.
    liar.honest();
    await phone.engine.update('profiles', held.id, { model: 'o3' });
    await syncQuiet(phone);
    await syncQuiet(laptop);
    expect((await laptop.engine.get('profiles', held.id))?.data.model).toBe('o3');
    for (const device of [laptop, phone, tablet]) await device.engine.close();
  });

  it('reseals what this build would set aside (a collection it does not know, data it refuses) as it is', async () => {
    const { laptop, phone, tablet } = await threeDevices(backend, { profiles: 1 });
    const keys = await keysOf(laptop);
    const sealer = await deriveAccountKeys(keys.master, keys.accountId, keys.epoch, {
      tokenRoot: keys.tokenRoot,
    });
    // What a newer app on another device might write: a collection this build has no name for,
    // and a profile with a field this build refuses.
    const cipher = await RecordCipher.create(keys);
    const planted = [
      {
        collection: 'a-collection-from-a-newer-app',
        id: 'newer-1',
        plain: {
          v: 1,
          data: { colour: 'teal' },
          hlc: '001700000000000:000000:newer',
          device: 'newer',
          clocks: {},
        },
      },
      {
        collection: cipher.tokenOf('profiles'),
        id: 'newer-2',
        plain: {
          v: 1,
          data: { name: 'Next', provider: 'p', model: 'm', futureOnly: [1, 2] },
          hlc: '001700000000000:000000:newer',
          device: 'newer',
          clocks: {},
        },
      },
    ];
    const session = await readMeta(
      await openEngineDatabase(laptop.factory, laptop.dbName),
      'session',
    );
    const ops = await Promise.all(
      planted.map(async ({ collection, id, plain }) => ({
        collection,
        id,
        base_rev: null,
        deleted: false,
        payload: await sealRecord(
          sealer,
          { accountId: keys.accountId, collection, id, epoch: keys.epoch, deleted: false, rev: 1 },
          plain,
        ),
        op_id: randomId(12),
      })),
    );
    const pushed = await fetch(`${backend.url}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${session?.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ key_fingerprint: keys.fingerprint, ops }),
    });
    expect(pushed.status).toBe(200);
    await syncQuiet(laptop);
    // This build sets the refused profile aside; the unknown collection it skips.
    expect((await laptop.engine.listQuarantine()).map((row) => row.id)).toContain('newer-2');

    await laptop.engine.revokeAndRotate([accountRef(tablet).deviceId], { newRecoveryKey: false });
    await syncQuiet(laptop);
    await waitFor('the laptop to retire the old epoch', async () => {
      return (await keysOf(laptop)).retiredBelow === 2;
    });
    const rotated = await keysOf(laptop);
    const onServer = await backend.records(accountRef(laptop));
    for (const { id, plain } of planted) {
      const record = onServer.get(id);
      expect(record?.key_epoch).toBe(2);
      // The same plaintext, authenticated under the new key: kept for the app that reads it.
      expect(await openWithKept(rotated, record as RemoteRecord)).toEqual(plain);
    }
    for (const device of [laptop, phone, tablet]) await device.engine.close();
  });
});
