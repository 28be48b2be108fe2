import { describe, expect, it } from 'vitest';
import type { CollectionName } from '../../src/engine/collections';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet, type TestDevice } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const HOUR = 3_600_000;

async function threeDevices(skews: [number, number, number] = [0, 0, 0]): Promise<TestDevice[]> {
  const person = newPerson();
  const devices = await Promise.all(
    ['one', 'two', 'three'].map((name, i) => newDevice(name, { skewMs: skews[i] })),
  );
  const [first, ...others] = devices as [TestDevice, TestDevice, TestDevice];
  const recoveryKey = await connect(first, backend, person);
  for (const device of others) await connect(device, backend, person, recoveryKey);
  return devices;
}

async function snapshot<C extends CollectionName = 'profiles'>(
  device: TestDevice,
  collection: C = 'profiles' as C,
) {
  return (await device.engine.list(collection, { reveal: true })).map(({ id, data }) => ({
    id,
    data,
  }));
}

async function closeAll(devices: TestDevice[]) {
  for (const device of devices) await device.engine.close();
}

describe('three engines, offline edits, reconnect', () => {
  it('a later edit from a device whose clock is an hour behind beats an earlier offline edit; other fields merge', async () => {
    const devices = await threeDevices([0, -HOUR, HOUR / 2]);
    const [one, two, three] = devices as [TestDevice, TestDevice, TestDevice];
    const { id } = await one.engine.create('profiles', {
      name: 'Work',
      provider: 'openai',
      model: 'gpt-4o',
      notes: 'n0',
    });
    await syncQuiet(one);
    await syncQuiet(two);
    await syncQuiet(three);

    // one edits offline first: `name` only it changes, `model` which others change later.
    one.net.online = false;
    await one.engine.update('profiles', id, { name: 'Job', model: 'stale' });
    const offline = await one.engine.syncNow();
    expect(offline.result).toBe('error');
    expect(offline.error?.code).toBe('network_unreachable');
    expect(one.engine.getStatus().state.kind).toBe('offline');
    expect(one.engine.getStatus().pendingEdits).toBe(1);

    // three (clock 30 min ahead) and then two (clock an hour behind, after seeing three's edit)
    // change `model`; two's edit is the last one made although its wall clock is the earliest.
    await three.engine.update('profiles', id, { notes: 'from three', model: 'o3' });
    await syncQuiet(three);
    await syncQuiet(two);
    await two.engine.update('profiles', id, { model: 'o1-final' });
    await syncQuiet(two);

    one.net.online = true;
    await syncQuiet(one);
    for (const device of devices) await syncQuiet(device);

    const expected = [
      { id, data: { name: 'Job', provider: 'openai', model: 'o1-final', notes: 'from three' } },
    ];
    for (const device of devices) {
      expect(await snapshot(device)).toEqual(expected);
      expect(device.engine.getStatus().pendingEdits).toBe(0);
      expect(device.engine.getStatus().conflicts).toBe(0);
    }
    await closeAll(devices);
  });

  it('a delete beats older edits even after another device merged them (a merge is not an edit)', async () => {
    const devices = await threeDevices();
    const [one, two, three] = devices as [TestDevice, TestDevice, TestDevice];
    const { id } = await one.engine.create('profiles', { name: 'N', provider: 'p', model: 'm' });
    for (const device of devices) await syncQuiet(device);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

    two.net.online = false;
    three.net.online = false;
    await two.engine.update('profiles', id, { name: 'edited on two' });
    await pause();
    await one.engine.update('profiles', id, { notes: 'edited on one' });
    await pause();
    // The last change anyone made: the delete must win over both edits.
    await three.engine.delete('profiles', id);
    await pause();
    await syncQuiet(one);
    // two merges one's edit into its own: the merged version is new, its edits are not.
    two.net.online = true;
    await syncQuiet(two);
    three.net.online = true;
    for (const device of [three, ...devices]) await syncQuiet(device);

    for (const device of devices) {
      expect(await snapshot(device), device.name).toEqual([]);
      expect(device.engine.getStatus().pendingEdits).toBe(0);
    }
    await closeAll(devices);
  });

  it('the later of two deletes beats an edit made between them', async () => {
    const devices = await threeDevices();
    const [one, two, three] = devices as [TestDevice, TestDevice, TestDevice];
    const { id } = await one.engine.create('profiles', { name: 'N', provider: 'p', model: 'm' });
    for (const device of devices) await syncQuiet(device);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    for (const device of devices) device.net.online = false;
    await one.engine.delete('profiles', id);
    await pause();
    await three.engine.update('profiles', id, { model: 'edited between the deletes' });
    await pause();
    await two.engine.delete('profiles', id);
    for (const device of devices) device.net.online = true;
    // one's delete reaches the server first; two's later delete meets it there.
    for (const device of [one, two, three, ...devices]) await syncQuiet(device);
    for (const device of devices) expect(await snapshot(device), device.name).toEqual([]);
    await closeAll(devices);
  });

  it('converges creates, deletes and edit-versus-delete made offline on two devices', async () => {
    const devices = await threeDevices();
    const [one, two, three] = devices as [TestDevice, TestDevice, TestDevice];
    const a = await one.engine.create('profiles', { name: 'A', provider: 'p', model: 'm' });
    const b = await one.engine.create('profiles', { name: 'B', provider: 'p', model: 'm' });
    const c = await one.engine.create('providers', {
      name: 'C',
      baseUrl: 'https://c.example',
      models: [],
      authHeader: 'Authorization',
    });
    for (const device of devices) await syncQuiet(device);

    two.net.online = false;
    three.net.online = false;
    await two.engine.delete('profiles', a.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await three.engine.update('profiles', a.id, { model: 'edited after the delete' });
    await three.engine.delete('profiles', b.id);
    await two.engine.create('groups', { name: 'G', profileIds: [b.id] });
    await three.engine.create('assignments', { app: 'vscode', profileId: a.id });
    await two.engine.update('providers', c.id, { models: ['x'] });
    await three.engine.update('providers', c.id, { name: 'C2' });

    two.net.online = true;
    three.net.online = true;
    await syncQuiet(two);
    await syncQuiet(three);
    for (const device of devices) await syncQuiet(device);

    const reference = {
      profiles: await snapshot(one),
      providers: await snapshot(one, 'providers'),
      groups: await snapshot(one, 'groups'),
      assignments: await snapshot(one, 'assignments'),
    };
    // The later edit beat the earlier delete; B's delete went through; C's fields merged.
    expect(reference.profiles.map((p) => p.data.name)).toEqual(['A']);
    expect(reference.profiles[0]?.data.model).toBe('edited after the delete');
    expect(reference.providers[0]?.data).toMatchObject({ name: 'C2', models: ['x'] });
    expect(reference.groups).toHaveLength(1);
    expect(reference.assignments).toEqual([
      { id: 'vscode', data: { app: 'vscode', profileId: a.id } },
    ]);
    for (const device of [two, three]) {
      expect(await snapshot(device)).toEqual(reference.profiles);
      expect(await snapshot(device, 'providers')).toEqual(reference.providers);
      expect(await snapshot(device, 'groups')).toEqual(reference.groups);
      expect(await snapshot(device, 'assignments')).toEqual(reference.assignments);
    }
    await closeAll(devices);
  });
});
