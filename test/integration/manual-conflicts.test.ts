import { describe, expect, it } from 'vitest';
import { MASK } from '../../src/engine/mask';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet, type TestDevice } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const base = {
  name: 'Work',
  provider: 'openai',
  model: 'gpt-4o',
  apiKey: 'sk-base-0000',
  notes: 'n',
};

/** Two manual-strategy devices holding one synced profile, each then edits it offline. */
async function conflictPair(
  localPatch: Record<string, unknown> | 'delete',
  remotePatch: Record<string, unknown> | 'delete',
) {
  const person = newPerson();
  const settings = { conflictStrategy: 'manual' as const };
  const a = await newDevice('desk');
  const b = await newDevice('tablet');
  const recoveryKey = await connect(a, backend, person);
  await connect(b, backend, person, recoveryKey);
  await a.engine.updateSettings(settings);
  await b.engine.updateSettings(settings);
  const { id } = await a.engine.create('profiles', base);
  await syncQuiet(a);
  await syncQuiet(b);
  const edit = (device: TestDevice, patch: Record<string, unknown> | 'delete') =>
    patch === 'delete'
      ? device.engine.delete('profiles', id)
      : device.engine.update('profiles', id, patch);
  await edit(b, remotePatch);
  await syncQuiet(b);
  await edit(a, localPatch);
  const report = await a.engine.syncNow();
  return { a, b, id, report };
}

describe('manual strategy', () => {
  it('stores a true conflict, keeps the local value, masks secrets in the diff, and holds the push', async () => {
    const { a, b, id, report } = await conflictPair(
      { model: 'o1', apiKey: 'sk-local-1111', name: 'Mine' },
      { model: 'o3', apiKey: 'sk-remote-2222', notes: 'theirs' },
    );
    expect(report.result).toBe('ok');
    expect(report.tally?.conflicts).toBe(1);
    expect(a.engine.getStatus().conflicts).toBe(1);
    expect((await a.engine.get('profiles', id, { reveal: true }))?.data).toMatchObject({
      model: 'o1',
      apiKey: 'sk-local-1111',
      notes: 'n',
    });
    const [conflict] = await a.engine.listConflicts();
    expect(conflict?.kind).toBe('fields');
    const byField = Object.fromEntries(
      (conflict?.fields ?? []).map((field) => [field.field, field]),
    );
    expect(Object.keys(byField).sort()).toEqual(['apiKey', 'model', 'name', 'notes']);
    expect(byField.model).toMatchObject({
      base: 'gpt-4o',
      local: 'o1',
      remote: 'o3',
      conflict: true,
    });
    expect(byField.name).toMatchObject({
      changedLocally: true,
      changedRemotely: false,
      conflict: false,
    });
    expect(byField.apiKey).toMatchObject({
      local: MASK,
      remote: MASK,
      base: MASK,
      secret: true,
      conflict: true,
    });
    expect(JSON.stringify(await a.engine.listConflicts())).not.toContain('sk-');
    const revealed = await a.engine.listConflicts({ reveal: true });
    expect(revealed[0]?.fields.find((field) => field.field === 'apiKey')?.local).toBe(
      'sk-local-1111',
    );
    // Held: syncing again sends nothing and the other device still has its own version.
    await syncQuiet(a);
    await syncQuiet(b);
    expect((await b.engine.get('profiles', id))?.data.model).toBe('o3');
    await a.engine.close();
    await b.engine.close();
  });

  it('resolves with keep local: every device ends with this device version', async () => {
    const { a, b, id } = await conflictPair({ model: 'o1' }, { model: 'o3' });
    await a.engine.resolveConflict('profiles', id, { keep: 'local' });
    expect(a.engine.getStatus().conflicts).toBe(0);
    await syncQuiet(a);
    await syncQuiet(b);
    expect((await b.engine.get('profiles', id))?.data.model).toBe('o1');
    expect((await a.engine.get('profiles', id))?.data.model).toBe('o1');
    await a.engine.close();
    await b.engine.close();
  });

  it('resolves with keep remote: the local edit is dropped and nothing is sent', async () => {
    const { a, b, id } = await conflictPair({ model: 'o1', name: 'Mine' }, { model: 'o3' });
    await a.engine.resolveConflict('profiles', id, { keep: 'remote' });
    expect(a.engine.getStatus().pendingEdits).toBe(0);
    expect((await a.engine.get('profiles', id))?.data).toMatchObject({ model: 'o3', name: 'Work' });
    // The dropped local value is still in history for undo.
    expect(
      (await a.engine.history('profiles', id)).some((entry) => entry.data?.name === 'Mine'),
    ).toBe(true);
    await syncQuiet(b);
    expect((await b.engine.get('profiles', id))?.data).toMatchObject({ model: 'o3', name: 'Work' });
    await a.engine.close();
    await b.engine.close();
  });

  it('resolves field by field, merging the fields changed on one side only', async () => {
    const { a, b, id } = await conflictPair(
      { model: 'o1', name: 'Mine', apiKey: 'sk-l' },
      { model: 'o3', notes: 'theirs', apiKey: 'sk-r' },
    );
    await expect(
      a.engine.resolveConflict('profiles', id, { keep: 'merge', fields: { model: 'remote' } }),
    ).rejects.toMatchObject({
      code: 'invalid_resolution',
    });
    await expect(
      a.engine.resolveConflict('profiles', id, {
        keep: 'merge',
        fields: { model: 'remote', apiKey: 'local', colour: 'local' },
      }),
    ).rejects.toMatchObject({
      code: 'invalid_resolution',
    });
    await a.engine.resolveConflict('profiles', id, {
      keep: 'merge',
      fields: { model: 'remote', apiKey: 'local' },
    });
    await syncQuiet(a);
    await syncQuiet(b);
    const expected = { ...base, name: 'Mine', model: 'o3', notes: 'theirs', apiKey: 'sk-l' };
    expect((await a.engine.get('profiles', id, { reveal: true }))?.data).toEqual(expected);
    expect((await b.engine.get('profiles', id, { reveal: true }))?.data).toEqual(expected);
    await a.engine.close();
    await b.engine.close();
  });

  it('treats edit versus delete as a conflict, both ways, and resolves it', async () => {
    const first = await conflictPair({ model: 'o1' }, 'delete');
    const [remoteDeleted] = await first.a.engine.listConflicts();
    expect(remoteDeleted).toMatchObject({ kind: 'delete', deletedSide: 'remote' });
    await expect(
      first.a.engine.resolveConflict('profiles', first.id, { keep: 'merge', fields: {} }),
    ).rejects.toMatchObject({ code: 'invalid_resolution' });
    await first.a.engine.resolveConflict('profiles', first.id, { keep: 'local' });
    await syncQuiet(first.a);
    await syncQuiet(first.b);
    expect((await first.b.engine.get('profiles', first.id))?.data.model).toBe('o1');

    const second = await conflictPair('delete', { model: 'o3' });
    const [localDeleted] = await second.a.engine.listConflicts();
    expect(localDeleted).toMatchObject({ kind: 'delete', deletedSide: 'local' });
    await second.a.engine.resolveConflict('profiles', second.id, { keep: 'local' });
    await syncQuiet(second.a);
    await syncQuiet(second.b);
    expect(await second.b.engine.get('profiles', second.id)).toBeNull();
    expect(await second.a.engine.get('profiles', second.id)).toBeNull();
    for (const device of [first.a, first.b, second.a, second.b]) await device.engine.close();
  });

  it('a conflicted record deleted here becomes edit versus delete, and back to fields when restored', async () => {
    const { a, b, id } = await conflictPair({ model: 'o1' }, { model: 'o3' });
    await a.engine.delete('profiles', id);
    const [deleted] = await a.engine.listConflicts();
    expect(deleted).toMatchObject({ kind: 'delete', deletedSide: 'local' });
    const [before] = await a.engine.history('profiles', id);
    await a.engine.restore('profiles', id, before?.seq as number);
    const [restored] = await a.engine.listConflicts();
    expect(restored?.kind).toBe('fields');
    expect(restored?.fields.filter((field) => field.conflict).map((field) => field.field)).toEqual([
      'model',
    ]);
    await a.engine.close();
    await b.engine.close();
  });

  it('dissolves a stored conflict when the other side comes round to the same value', async () => {
    const { a, b, id } = await conflictPair({ model: 'o1' }, { model: 'o3' });
    expect(a.engine.getStatus().conflicts).toBe(1);
    await b.engine.update('profiles', id, { model: 'o1' });
    await syncQuiet(b);
    await syncQuiet(a);
    expect(a.engine.getStatus().conflicts).toBe(0);
    expect(a.engine.getStatus().pendingEdits).toBe(0);
    await expect(a.engine.resolveConflict('profiles', id, { keep: 'local' })).rejects.toMatchObject(
      { code: 'conflict_not_found' },
    );
    await a.engine.close();
    await b.engine.close();
  });
});
