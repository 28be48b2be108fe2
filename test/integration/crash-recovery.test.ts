import { describe, expect, it } from 'vitest';
import { newPerson } from '../rig/backend';
import { connect, newDevice, stateOf, syncQuiet, type TestDevice, waitFor } from '../rig/devices';
import { serverRecords } from '../rig/server-view';
import { useBackend } from '../rig/use-backend';

// Small pages, so a pull spans several pages and can be killed between them.
const backend = useBackend({ config: { maxChangesLimit: 5 } });

const profile = (name: string) => ({ name, provider: 'p', model: 'm' });

async function pair() {
  const person = newPerson();
  const a = await newDevice('a');
  const b = await newDevice('b');
  const recoveryKey = (await connect(a, backend, person)) as string;
  await connect(b, backend, person, recoveryKey);
  return { a, b, recoveryKey, person };
}

async function names(device: TestDevice) {
  return (await device.engine.list('profiles')).map((record) => record.data.name).sort();
}

describe('an engine killed mid-sync and restarted from its IndexedDB', () => {
  it('loses and duplicates nothing when killed after the server committed its batch', async () => {
    const { a, b } = await pair();
    const kept = await a.engine.create('profiles', profile('Kept'));
    await syncQuiet(a);
    await a.engine.update('profiles', kept.id, { model: 'edited' });
    const created = await a.engine.create('profiles', profile('New'));
    await a.engine.create('profiles', profile('Also new'));

    a.net.inject({ fault: 'hang', match: /^POST \/v1\/batch/ });
    void a.engine.syncNow();
    await waitFor('the batch to reach the server', () => a.net.hanging === 1);
    // An edit lands while the batch is in flight; then the worker dies.
    await a.engine.update('profiles', created.id, { model: 'edited in flight' });
    const restarted = await a.restart();
    expect(await names(restarted)).toEqual(['Also new', 'Kept', 'New']);
    expect(restarted.engine.getStatus().pendingEdits).toBe(3);

    await syncQuiet(restarted);
    expect(restarted.engine.getStatus().pendingEdits).toBe(0);
    const server = await serverRecords(backend, restarted);
    expect(server.size).toBe(3);
    expect(server.get(kept.id)?.rev).toBe(2);
    // Created once (rev 1) by the killed batch, then the in-flight edit on top (rev 2).
    expect(server.get(created.id)?.rev).toBe(2);
    await syncQuiet(b);
    expect(await names(b)).toEqual(['Also new', 'Kept', 'New']);
    expect((await b.engine.get('profiles', created.id))?.data.model).toBe('edited in flight');
    expect((await b.engine.get('profiles', kept.id))?.data.model).toBe('edited');
    await restarted.engine.close();
    await b.engine.close();
  });

  it('neither loses nor doubles a batch whose response was lost after the server committed it', async () => {
    const { a, b } = await pair();
    const { id } = await a.engine.create('profiles', profile('Once'));
    a.net.inject({ fault: 'responseLost', match: /^POST \/v1\/batch/ });
    const lost = await a.engine.syncNow();
    expect(lost.error?.code).toBe('network_unreachable');
    expect(a.engine.getStatus().pendingEdits).toBe(1);
    await syncQuiet(a);
    expect(a.engine.getStatus().pendingEdits).toBe(0);
    const server = await serverRecords(backend, a);
    expect([...server.keys()]).toEqual([id]);
    expect(server.get(id)?.rev).toBe(1);
    await syncQuiet(b);
    expect(await names(b)).toEqual(['Once']);
    await a.engine.close();
    await b.engine.close();
  });

  it('a record deleted after its creation was committed but the response lost stays deleted', async () => {
    const { a, b } = await pair();
    const { id } = await a.engine.create('profiles', profile('Short-lived'));
    a.net.inject({ fault: 'responseLost', match: /^POST \/v1\/batch/ });
    expect((await a.engine.syncNow()).error?.code).toBe('network_unreachable');
    // As far as a knows the server never saw the record; the server holds it all the same.
    await a.engine.delete('profiles', id);
    await syncQuiet(a);
    await syncQuiet(b);
    expect(await names(a)).toEqual([]);
    expect(await names(b)).toEqual([]);
    expect((await serverRecords(backend, a)).get(id)?.deleted).toBe(true);
    await a.engine.close();
    await b.engine.close();
  });

  it('resumes a pull killed between pages without skipping or repeating a change', async () => {
    const { a, b } = await pair();
    for (let i = 0; i < 17; i += 1)
      await a.engine.create('profiles', profile(`P${String(i).padStart(2, '0')}`));
    await syncQuiet(a);
    // Pages of 5: the third page is answered by the server, then the worker dies.
    b.net.inject({ fault: 'delay', match: /^GET \/v1\/changes/, times: 2 });
    b.net.inject({ fault: 'hang', match: /^GET \/v1\/changes/ });
    void b.engine.syncNow();
    await waitFor('the third page to be in flight', () => b.net.hanging === 1);
    // The third page is fetched while the second is applied: wait for the second to land.
    await waitFor('two pages applied', async () => (await b.engine.list('profiles')).length === 10);
    expect(b.net.hanging).toBe(1);
    const restarted = await b.restart();
    await syncQuiet(restarted);
    const all = await names(restarted);
    expect(all).toHaveLength(17);
    expect(new Set(all).size).toBe(17);
    await a.engine.close();
    await restarted.engine.close();
  });

  it('keeps a pending sign-in across a restart and completes it', async () => {
    const person = newPerson();
    const device = await newDevice('restarting');
    const state = await device.engine.signIn({
      serverUrl: backend.url,
      deviceName: 'restarting',
      platform: 'test',
    });
    if (state.kind !== 'signingIn') throw new Error('expected signingIn');
    const restarted = await device.restart();
    expect(restarted.engine.getStatus().state).toMatchObject({
      kind: 'signingIn',
      userCode: state.userCode,
    });
    await backend.approve(state.userCode, person);
    await restarted.scheduler.advance(5000);
    await waitFor(
      'the resumed sign-in to complete',
      () =>
        stateOf(restarted) === 'needsKey' && restarted.engine.getStatus().state.kind === 'needsKey',
    );
    expect(restarted.engine.getStatus().account?.serverUrl).toBe(backend.url);
    await restarted.engine.close();
  });

  it('a restarted engine syncs on start-up and keeps edits made while it was down', async () => {
    const { a, b } = await pair();
    a.net.online = false;
    await a.engine.create('profiles', profile('Offline edit'));
    const restartedAt = Date.now();
    const restarted = await a.restart();
    // Nothing but opening the engine: its start-up sync runs by itself.
    await waitFor('the start-up sync', async () =>
      (await restarted.engine.activity()).some(
        (entry) =>
          entry.trigger === 'startup' && entry.result === 'ok' && entry.startedAt >= restartedAt,
      ),
    );
    await syncQuiet(b);
    expect(await names(b)).toEqual(['Offline edit']);
    await restarted.engine.close();
    await b.engine.close();
  });
});
