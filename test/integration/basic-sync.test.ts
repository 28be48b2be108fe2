import { describe, expect, it } from 'vitest';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const profile = { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-live-abc' };

describe('two devices against the real server', () => {
  it('signs in, creates the key on the first device, unlocks on the second and syncs both ways', async () => {
    const person = newPerson();
    const a = await newDevice('laptop');
    const b = await newDevice('phone');
    const recoveryKey = await connect(a, backend, person);
    expect(recoveryKey).toMatch(/\S{8,}/);
    expect(a.engine.getStatus().state.kind).toBe('idle');
    const { id } = await a.engine.create('profiles', profile);
    expect(a.engine.getStatus().pendingEdits).toBe(1);
    await syncQuiet(a);
    expect(a.engine.getStatus().pendingEdits).toBe(0);

    await connect(b, backend, person, recoveryKey);
    await syncQuiet(b);
    expect((await b.engine.get('profiles', id, { reveal: true }))?.data).toEqual(profile);
    expect(b.engine.getStatus().counts.profiles).toBe(1);

    await b.engine.update('profiles', id, { model: 'o3' });
    await syncQuiet(b);
    await syncQuiet(a);
    expect((await a.engine.get('profiles', id))?.data.model).toBe('o3');
    // Each keeps the earlier value, and knows whether it wrote that value itself.
    expect((await b.engine.history('profiles', id)).map((v) => v.byThisDevice)).toEqual([false]);
    expect((await a.engine.history('profiles', id)).map((v) => v.byThisDevice)).toEqual([true]);
    expect(a.engine.getStatus().account?.fingerprint).toBe(
      b.engine.getStatus().account?.fingerprint,
    );
    await a.engine.close();
    await b.engine.close();
  });
});
