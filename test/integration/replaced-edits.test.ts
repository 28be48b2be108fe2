/**
 * "Keep the most recent edit" settles a true conflict without asking, but never silently (issue
 * 15 item 1): the device whose edit lost keeps a note of it (field names and where its value is
 * kept, no values), shows both values, counts it in the run's activity, and "restore mine" writes
 * its value back as a new edit that then wins on every device.
 */
import { describe, expect, it } from 'vitest';
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet, type TestDevice } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const profile = { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-first' };

async function twoDevices(): Promise<{ laptop: TestDevice; phone: TestDevice; id: string }> {
  const person = newPerson();
  const laptop = await newDevice('laptop');
  const phone = await newDevice('phone');
  const recoveryKey = (await connect(laptop, backend, person)) as string;
  await connect(phone, backend, person, recoveryKey);
  // The phone's edits are the later ones in every test here: its clock a second ahead, so two
  // edits made one after the other never fall in one millisecond, where the device ids decide.
  phone.clock.offsetMs = 1_000;
  const { id } = await laptop.engine.create('profiles', profile);
  await syncQuiet(laptop);
  await syncQuiet(phone);
  return { laptop, phone, id };
}

const apiKeyOf = async (device: TestDevice, id: string) =>
  (await device.engine.get('profiles', id, { reveal: true }))?.data.apiKey;

describe('an edit that "keep the most recent edit" replaced', () => {
  it('is noted on the device that lost it, with both values and a count in the activity log; "restore mine" brings it back on both devices', async () => {
    const { laptop, phone, id } = await twoDevices();
    // The laptop edits first and the phone later: the phone's edit is the most recent.
    await laptop.engine.update('profiles', id, { apiKey: 'sk-laptop', model: 'gpt-4.1' });
    await phone.engine.update('profiles', id, { apiKey: 'sk-phone' });
    await syncQuiet(phone);
    await syncQuiet(laptop);

    expect(await apiKeyOf(laptop, id)).toBe('sk-phone');
    // The field only the laptop changed merged cleanly: it is not among what was lost.
    expect((await laptop.engine.get('profiles', id))?.data.model).toBe('gpt-4.1');
    expect(laptop.engine.getStatus().replaced).toBe(1);
    expect(phone.engine.getStatus().replaced).toBe(0);
    const [note, ...rest] = await laptop.engine.listReplaced();
    expect(rest).toEqual([]);
    expect(note).toMatchObject({
      collection: 'profiles',
      id,
      title: 'Work',
      kind: 'fields',
      restorable: true,
      fields: [{ field: 'apiKey', mine: 'sk-laptop', now: 'sk-phone', secret: true }],
    });
    const [run] = await laptop.engine.activity(1);
    expect(run?.replaced).toBe(1);

    await laptop.engine.answerReplaced('profiles', id, 'restore');
    expect(await apiKeyOf(laptop, id)).toBe('sk-laptop');
    expect(laptop.engine.getStatus().replaced).toBe(0);
    await syncQuiet(laptop);
    await syncQuiet(phone);
    expect(await apiKeyOf(phone, id)).toBe('sk-laptop');
    expect((await phone.engine.get('profiles', id))?.data.model).toBe('gpt-4.1');
    expect(phone.engine.getStatus().replaced).toBe(0);
    await laptop.engine.close();
    await phone.engine.close();
  });

  it('keeps no value in the note itself, and a dismissed note is gone without writing anything', async () => {
    const { laptop, phone, id } = await twoDevices();
    await laptop.engine.update('profiles', id, { apiKey: 'sk-laptop' });
    await phone.engine.update('profiles', id, { apiKey: 'sk-phone' });
    await syncQuiet(phone);
    await syncQuiet(laptop);
    expect(await laptop.engine.listReplaced()).toHaveLength(1);
    // Meta is not sealed by the device lock: the note holds names, the value stays in history.
    const notes = await readMeta(
      await openEngineDatabase(laptop.factory, laptop.dbName),
      'replacedEdits',
    );
    expect(notes).toEqual([expect.objectContaining({ id, fields: ['apiKey'] })]);
    expect(JSON.stringify(notes)).not.toContain('sk-');
    const pendingBefore = laptop.engine.getStatus().pendingEdits;

    await laptop.engine.answerReplaced('profiles', id, 'dismiss');
    expect(await laptop.engine.listReplaced()).toEqual([]);
    expect(laptop.engine.getStatus().replaced).toBe(0);
    expect(laptop.engine.getStatus().pendingEdits).toBe(pendingBefore);
    expect(await apiKeyOf(laptop, id)).toBe('sk-phone');
    await expect(laptop.engine.answerReplaced('profiles', id, 'restore')).rejects.toMatchObject({
      code: 'no_replaced_edit',
    });
    await laptop.engine.close();
    await phone.engine.close();
  });

  it('a later delete from elsewhere that removed an edited record is noted as the whole record, and restoring brings the record back', async () => {
    const { laptop, phone, id } = await twoDevices();
    await laptop.engine.update('profiles', id, { name: 'Work (edited)' });
    await phone.engine.delete('profiles', id);
    await syncQuiet(phone);
    await syncQuiet(laptop);
    expect(await laptop.engine.get('profiles', id)).toBeNull();
    const [note] = await laptop.engine.listReplaced();
    expect(note).toMatchObject({ kind: 'record', mineDeleted: false, restorable: true });
    expect(note?.title).toBe('Work (edited)');

    await laptop.engine.answerReplaced('profiles', id, 'restore');
    await syncQuiet(laptop);
    await syncQuiet(phone);
    expect((await phone.engine.get('profiles', id))?.data.name).toBe('Work (edited)');
    await laptop.engine.close();
    await phone.engine.close();
  });

  it('the winning device and a merge with nothing lost add no note', async () => {
    const { laptop, phone, id } = await twoDevices();
    await laptop.engine.update('profiles', id, { model: 'gpt-4.1' });
    await phone.engine.update('profiles', id, { apiKey: 'sk-phone' });
    await syncQuiet(phone);
    await syncQuiet(laptop);
    await syncQuiet(phone);
    expect(await laptop.engine.listReplaced()).toEqual([]);
    expect(await phone.engine.listReplaced()).toEqual([]);
    await laptop.engine.close();
    await phone.engine.close();
  });
});

describe('a notice answered after the record lost again', () => {
  it('is refused, restore or dismiss, and nothing is written; the newer notice is answered by its own time', async () => {
    const { laptop, phone, id } = await twoDevices();
    // First loss: the laptop's sk-laptop-1 gives way to the phone's later edit.
    await laptop.engine.update('profiles', id, { apiKey: 'sk-laptop-1' });
    await phone.engine.update('profiles', id, { apiKey: 'sk-phone-1' });
    await syncQuiet(phone);
    await syncQuiet(laptop);
    const [first] = await laptop.engine.listReplaced();
    expect(first?.fields[0]?.mine).toBe('sk-laptop-1');

    // The person is reading that notice; meanwhile the record loses again, another value.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await laptop.engine.update('profiles', id, { apiKey: 'sk-laptop-2' });
    await phone.engine.update('profiles', id, { apiKey: 'sk-phone-2' });
    await syncQuiet(phone);
    await syncQuiet(laptop);
    const [second, ...more] = await laptop.engine.listReplaced();
    expect(more).toEqual([]);
    expect(second?.fields[0]?.mine).toBe('sk-laptop-2');
    expect(second?.at).not.toBe(first?.at);

    const pending = laptop.engine.getStatus().pendingEdits;
    for (const answer of ['restore', 'dismiss'] as const) {
      await expect(
        laptop.engine.answerReplaced('profiles', id, answer, first?.at),
      ).rejects.toMatchObject({ code: 'replaced_edit_changed' });
    }
    expect(await apiKeyOf(laptop, id)).toBe('sk-phone-2');
    expect(laptop.engine.getStatus().pendingEdits).toBe(pending);
    expect(await laptop.engine.listReplaced()).toHaveLength(1);

    await laptop.engine.answerReplaced('profiles', id, 'restore', second?.at);
    expect(await apiKeyOf(laptop, id)).toBe('sk-laptop-2');
    expect(await laptop.engine.listReplaced()).toEqual([]);
    await laptop.engine.close();
    await phone.engine.close();
  });
});
