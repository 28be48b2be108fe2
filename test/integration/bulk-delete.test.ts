import { describe, expect, it } from 'vitest';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

/** Two synced devices holding ten profiles and two providers. */
async function pair() {
  const person = newPerson();
  const a = await newDevice('a');
  const b = await newDevice('b');
  const recoveryKey = await connect(a, backend, person);
  const ids: string[] = [];
  for (let i = 0; i < 10; i += 1)
    ids.push((await a.engine.create('profiles', { name: `P${i}`, provider: 'p', model: 'm' })).id);
  for (let i = 0; i < 2; i += 1)
    await a.engine.create('providers', {
      name: `V${i}`,
      baseUrl: 'https://v.example',
      models: [],
      authHeader: 'x-api-key',
    });
  await syncQuiet(a);
  await connect(b, backend, person, recoveryKey);
  return { a, b, ids };
}

describe('bulk-delete guard', () => {
  it('pauses a pull that would delete most of this device, naming what it would lose', async () => {
    const { a, b, ids } = await pair();
    for (const id of ids.slice(0, 8)) await a.engine.delete('profiles', id);
    await a.engine.updateSettings({ bulkDeleteShare: 1 }); // a itself may delete freely
    await syncQuiet(a);

    const report = await b.engine.syncNow();
    expect(report.result).toBe('paused');
    expect(b.engine.getStatus().decision).toEqual({
      kind: 'bulkDelete',
      side: 'local',
      deletions: 8,
      total: 12,
      byCollection: { profiles: 8 },
    });
    expect(await b.engine.list('profiles')).toHaveLength(10);

    await b.engine.answerBulkDelete('delete');
    expect(await b.engine.list('profiles')).toHaveLength(2);
    expect(b.engine.getStatus().decision).toBeNull();
    await a.engine.close();
    await b.engine.close();
  });

  it('keeping the records restores them on the account too', async () => {
    const { a, b, ids } = await pair();
    await a.engine.updateSettings({ bulkDeleteShare: 1 });
    for (const id of ids.slice(0, 8)) await a.engine.delete('profiles', id);
    await syncQuiet(a);
    expect((await b.engine.syncNow()).result).toBe('paused');
    await b.engine.answerBulkDelete('keep');
    await syncQuiet(b);
    expect(await b.engine.list('profiles')).toHaveLength(10);
    await syncQuiet(a);
    expect(await a.engine.list('profiles')).toHaveLength(10);
    await a.engine.close();
    await b.engine.close();
  });

  it('pauses a push that would delete most of the account, and keep undoes the local deletes', async () => {
    const { a, b, ids } = await pair();
    for (const id of ids) await b.engine.delete('profiles', id);
    const report = await b.engine.syncNow();
    expect(report.result).toBe('paused');
    expect(b.engine.getStatus().decision).toEqual({
      kind: 'bulkDelete',
      side: 'remote',
      deletions: 10,
      total: 12,
      byCollection: { profiles: 10 },
    });
    await syncQuiet(a);
    expect(await a.engine.list('profiles')).toHaveLength(10);

    await b.engine.answerBulkDelete('keep');
    expect(await b.engine.list('profiles')).toHaveLength(10);
    expect(b.engine.getStatus().pendingEdits).toBe(0);
    await a.engine.close();
    await b.engine.close();
  });

  it('lets deletions through once confirmed, and ignores small or below-share deletions', async () => {
    const { a, b, ids } = await pair();
    await b.engine.delete('profiles', ids[0] as string);
    expect((await b.engine.syncNow()).result).toBe('ok');
    for (const id of ids.slice(1)) await b.engine.delete('profiles', id);
    expect((await b.engine.syncNow()).result).toBe('paused');
    expect((await b.engine.answerBulkDelete('delete')).result).toBe('ok');
    await syncQuiet(a);
    // a holds 2 providers after losing 9 of 11 records: over the share, so a is asked too.
    expect((await a.engine.syncNow()).result).toBe('paused');
    await a.engine.answerBulkDelete('delete');
    expect(await a.engine.list('profiles')).toHaveLength(0);
    expect(await a.engine.list('providers')).toHaveLength(2);
    await a.engine.close();
    await b.engine.close();
  });
});
