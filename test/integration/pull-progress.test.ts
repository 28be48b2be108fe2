/**
 * A first pull shows how far it got: the server says how many changes follow each page at most
 * (`remaining`), and the status carries "done of about total" until the feed ends. The number is
 * the server's word, used for the bar only.
 */
import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../src/engine';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend({ config: { maxChangesLimit: 5 } });

describe('a pull in pages', () => {
  it('reports records of about the total while more follow, and the exact count at the end', async () => {
    const person = newPerson();
    const laptop = await newDevice('laptop');
    const phone = await newDevice('phone');
    const recoveryKey = (await connect(laptop, backend, person)) as string;
    for (let i = 0; i < 12; i += 1)
      await laptop.engine.create('profiles', { name: `P${i}`, provider: 'p', model: 'm' });
    await syncQuiet(laptop);

    const seen: Array<{ done: number; total: number; estimated?: boolean }> = [];
    phone.engine.subscribe((status: EngineStatus) => {
      if (status.state.kind === 'syncing' && status.state.progress.total > 0)
        seen.push(status.state.progress);
    });
    await connect(phone, backend, person, recoveryKey);
    // The status's counts follow the run by a moment; the records themselves are there.
    expect(await phone.engine.list('profiles')).toHaveLength(12);

    const during = seen.filter((progress) => progress.estimated);
    expect(during.length).toBeGreaterThan(0);
    // Pages of 5: after the first, at least the 7 records still to come are announced.
    expect(during[0]?.done).toBe(5);
    expect(during[0]?.total).toBeGreaterThanOrEqual(12);
    for (const progress of during) expect(progress.total).toBeGreaterThan(progress.done);
    const last = seen.filter((progress) => progress.done === 12).at(-1);
    expect(last).toEqual({ done: 12, total: 12 });
    await laptop.engine.close();
    await phone.engine.close();
  });
});
