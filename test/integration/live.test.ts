/**
 * Live sync (issue 13) on the real server's `/v1/live`: an edit on one device reaches the others
 * over the stream with no timer of theirs firing, a revoked device's stream is closed, and a
 * stream cut from the server's side reconnects and catches up. In Node the engines hold `ws`
 * clients; in Chromium the page's own WebSocket.
 */
import { describe, expect, it } from 'vitest';
import { settle } from '../../src/engine/testing/manual-scheduler';
import { newPerson } from '../rig/backend';
import { connect, newDevice, stateOf, type TestDevice, waitFor } from '../rig/devices';
import type { LiveHandle } from '../rig/test-backend';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const liveFor = (): Promise<LiveHandle> => backend.startLive();

/**
 * State manifests (issue 11) are writes too, and poke every peer: each device publishes its first
 * one as soon as it holds a record, then at most once a day here, so that the edit under test is
 * the only write while the test counts pulls.
 */
async function liveDevice(name: string, live: LiveHandle): Promise<TestDevice> {
  return newDevice(name, {
    engine: { liveSocket: live.liveSocket, manifestIntervalMs: 24 * 60 * 60 * 1000 },
  });
}

/** Every device has published its first manifest and pulled the others', and all is quiet. */
async function manifestsExchanged(devices: TestDevice[]): Promise<void> {
  for (const device of devices) expect((await device.engine.syncNow()).result).toBe('ok');
  for (const device of devices) expect((await device.engine.syncNow()).result).toBe('ok');
  await quiet(devices);
}

/**
 * No run is going on or logged since the last look. The stream's `ready` can start a pull by
 * itself (it names a sequence past the cursor when the key document was written after the first
 * sync), which a test counting runs must not catch half-way.
 */
async function quiet(devices: TestDevice[]): Promise<void> {
  let last = '';
  for (;;) {
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = JSON.stringify(await Promise.all(devices.map(triggers)));
    if (now === last && devices.every((device) => stateOf(device) !== 'syncing')) return;
    last = now;
  }
}

/** A laptop, a phone and a tablet of one account, each holding its stream. */
async function threeLive() {
  const live = await liveFor();
  const person = newPerson();
  const a = await liveDevice('laptop', live);
  const b = await liveDevice('phone', live);
  const c = await liveDevice('tablet', live);
  const recoveryKey = await connect(a, backend, person);
  await connect(b, backend, person, recoveryKey);
  await connect(c, backend, person, recoveryKey);
  await waitFor('all three streams to be live', () => [a, b, c].every(isLive));
  return { a, b, c };
}

const isLive = (device: TestDevice) => device.engine.getStatus().syncMode === 'live';

async function triggers(device: TestDevice): Promise<string[]> {
  return (await device.engine.activity(100)).map((row) => row.trigger);
}

describe('live sync', () => {
  it('brings an edit on one device to two others without any timer of theirs firing', async () => {
    const { a, b, c } = await threeLive();
    await a.engine.create('profiles', { name: 'Seed', provider: 'openai', model: 'gpt-4o' });
    await manifestsExchanged([a, b, c]);
    const before = { a: await triggers(a), b: await triggers(b), c: await triggers(c) };
    // Virtual time stands still from here: signing in moved it (the device grant's poll).
    const clocks = { b: b.scheduler.now, c: c.scheduler.now };

    const { id } = await a.engine.create('profiles', {
      name: 'Work',
      provider: 'openai',
      model: 'gpt-4o',
    });
    const pushed = await a.engine.syncNow();
    expect(pushed.result).toBe('ok');
    expect(pushed.tally?.pushed).toBe(1);

    for (const device of [b, c]) {
      await waitFor(`${device.name} to show the edit`, async () =>
        Boolean(await device.engine.get('profiles', id)),
      );
    }
    // Their schedulers never moved: no interval, retry or debounce ran; the poke did it.
    for (const [device, earlier, clock] of [
      [b, before.b, clocks.b],
      [c, before.c, clocks.c],
    ] as const) {
      expect(device.scheduler.now).toBe(clock);
      // The record shows as the pull applies it; the run's activity row follows.
      await waitFor(`${device.name}'s run to be logged`, async () => {
        return (await triggers(device)).length > earlier.length;
      });
      const now = await triggers(device);
      expect(now.length).toBe(earlier.length + 1);
      expect(now[0]).toBe('live');
      expect(device.engine.getStatus().syncMode).toBe('live');
    }
    // The writer does not pull its own write back.
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sinceEdit = await triggers(a);
    expect(sinceEdit.slice(0, sinceEdit.length - before.a.length)).not.toContain('live');

    // Live sync off: the stream closes, edits wait for the timer again.
    await c.engine.updateSettings({ liveSync: false });
    await waitFor('the tablet to stop listening', () => !isLive(c));
    expect(c.engine.getSettings().liveSync).toBe(false);
    await a.engine.update('profiles', id, { name: 'Work 2' });
    await a.engine.syncNow();
    await waitFor('the phone to show the second edit', async () => {
      return (await b.engine.get('profiles', id))?.data.name === 'Work 2';
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await c.engine.get('profiles', id))?.data.name).toBe('Work');

    for (const device of [a, b, c]) await device.engine.close();
  });

  it('does not pull its own state manifest back when it publishes one beside an edit', async () => {
    const live = await liveFor();
    // The engine's own manifest schedule: its first manifest goes out with its first record.
    const a = await newDevice('laptop', { engine: { liveSocket: live.liveSocket } });
    await connect(a, backend, newPerson());
    await waitFor('the stream to be live', () => isLive(a));
    await quiet([a]);
    const before = await triggers(a);
    await a.engine.create('profiles', { name: 'Seed', provider: 'openai', model: 'gpt-4o' });
    const run = await a.engine.syncNow();
    expect(run.tally?.pushed).toBe(1);
    // Both writes (the record and the manifest) were poked about; neither is news to it.
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    const since = await triggers(a);
    expect(since.slice(0, since.length - before.length)).toEqual(['manual']);
    await a.engine.close();
  });

  it('reconnects after the stream drops and catches up on what it missed', async () => {
    const live = await liveFor();
    const person = newPerson();
    const a = await liveDevice('laptop', live);
    const b = await liveDevice('phone', live);
    const recoveryKey = await connect(a, backend, person);
    await connect(b, backend, person, recoveryKey);
    await waitFor('both streams to be live', () => [a, b].every(isLive));

    await live.dropAll();
    await waitFor('the phone to notice the drop', () => !isLive(b));
    const { id } = await a.engine.create('profiles', {
      name: 'Missed',
      provider: 'openai',
      model: 'gpt-4o',
    });
    await a.engine.syncNow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await b.engine.get('profiles', id)).toBeNull();

    // The reconnection waits out the backoff's first step (half to all of a second), well short
    // of the interval (5 min): `ready` names a sequence past the phone's cursor, so it pulls.
    await b.scheduler.advance(1000);
    await waitFor('the phone to reconnect', () => isLive(b));
    await waitFor('the phone to catch up', async () => Boolean(await b.engine.get('profiles', id)));
    await waitFor("the phone's run to be logged", async () => (await triggers(b))[0] === 'live');

    for (const device of [a, b]) await device.engine.close();
  });

  it("closes a revoked device's stream at once: it learns of the revocation with no timer firing", async () => {
    const { a, b, c } = await threeLive();
    const clock = c.scheduler.now;
    const before = await triggers(c);

    await a.engine.revokeDevice(c.engine.getStatus().account?.deviceId as string);
    // 4403 on the stream makes the tablet ask the REST path, which tells it it is revoked. The
    // session is cleared before the run that learnt it is logged, so the log is waited for.
    await waitFor('the tablet to be signed out', () => stateOf(c) === 'signedOut');
    await waitFor(
      'the poked run to be logged',
      async () => (await triggers(c)).length > before.length,
    );
    expect(c.engine.getStatus().lastError?.code).toBe('device_revoked');
    expect(isLive(c)).toBe(false);
    expect(c.scheduler.now).toBe(clock);
    const after = await triggers(c);
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toBe('live');
    expect((await c.engine.activity(1))[0]?.errorCode).toBe('device_revoked');
    // No reconnection for it, however long the backoff runs; the others keep theirs.
    await c.scheduler.advance(10 * 60 * 1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isLive(c)).toBe(false);
    expect([a, b].every(isLive)).toBe(true);

    for (const device of [a, b, c]) await device.engine.close();
  });
});
