import { describe, expect, it } from 'vitest';
import { newPerson } from '../rig/backend';
import { connect, newDevice, signIn, syncQuiet, type TestDevice, waitFor } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const profile = (name: string, model = 'm') => ({ name, provider: 'p', model });

/**
 * An account holding Shared (same on both), Account-only and Differs; a new device holding
 * Shared, Local-only and Differs (changed) made before it ever signed in. Returns both, with the
 * new device paused on its first-join choice.
 */
async function joinScenario() {
  const person = newPerson();
  const existing = await newDevice('existing');
  const recoveryKey = await connect(existing, backend, person);
  await existing.engine.create('settings', { theme: 'dark', language: 'en' });
  await existing.engine.create('assignments', { app: 'vscode', profileId: 'p1' });
  await existing.engine.create('assignments', { app: 'cursor', profileId: 'p1' });
  await syncQuiet(existing);

  const joining = await newDevice('joining');
  await joining.engine.create('settings', { theme: 'light', language: 'en' });
  await joining.engine.create('assignments', { app: 'vscode', profileId: 'p1' });
  await joining.engine.create('assignments', { app: 'zed', profileId: 'p2' });
  await signIn(joining, backend, person);
  await joining.engine.unlock({ recoveryKey: recoveryKey as string });
  await waitFor('the first-join question', () => joining.engine.getStatus().decision !== null);
  return { existing, joining };
}

async function apps(device: TestDevice) {
  return (await device.engine.list('assignments')).map(
    (record) => `${record.id}:${record.data.profileId}`,
  );
}

describe('safe first join', () => {
  it('asks before touching anything, with counts of what each choice does', async () => {
    const { existing, joining } = await joinScenario();
    const decision = joining.engine.getStatus().decision;
    expect(decision).toEqual({
      kind: 'firstJoin',
      localRecords: 3,
      accountRecords: 3,
      merge: { addedHere: 1, uploaded: 1, combined: 1, unchanged: 1 },
      useAccount: { addedHere: 1, replacedHere: 1, removedHere: 1 },
      uploadLocal: { uploaded: 1, replacedInAccount: 1, removedFromAccount: 1 },
    });
    // Nothing was overwritten while waiting, on either side.
    expect(await apps(joining)).toEqual(['vscode:p1', 'zed:p2']);
    expect((await joining.engine.get('settings', 'preferences'))?.data.theme).toBe('light');
    expect(await apps(existing)).toEqual(['cursor:p1', 'vscode:p1']);
    // Automatic syncs wait for the answer too.
    await joining.scheduler.advance(600_000);
    expect(await apps(joining)).toEqual(['vscode:p1', 'zed:p2']);
    await existing.engine.close();
    await joining.engine.close();
  });

  it('merge (the default) keeps both sides', async () => {
    const { existing, joining } = await joinScenario();
    const report = await joining.engine.answerFirstJoin('merge');
    expect(report.result).toBe('ok');
    await syncQuiet(joining);
    await syncQuiet(existing);
    for (const device of [existing, joining]) {
      expect(await apps(device)).toEqual(['cursor:p1', 'vscode:p1', 'zed:p2']);
    }
    // The settings record exists on both sides with different themes: a true conflict, settled
    // by last write wins, identically on both devices.
    const themes = await Promise.all(
      [existing, joining].map(
        async (d) => (await d.engine.get('settings', 'preferences'))?.data.theme,
      ),
    );
    expect(themes[0]).toBe(themes[1]);
    expect(joining.engine.getStatus().decision).toBeNull();
    await existing.engine.close();
    await joining.engine.close();
  });

  it("use the account's data replaces this device's records (which stay in history)", async () => {
    const { existing, joining } = await joinScenario();
    await joining.engine.answerFirstJoin('useAccount');
    await syncQuiet(joining);
    await syncQuiet(existing);
    for (const device of [existing, joining]) {
      expect(await apps(device)).toEqual(['cursor:p1', 'vscode:p1']);
      expect((await device.engine.get('settings', 'preferences'))?.data.theme).toBe('dark');
    }
    expect((await joining.engine.history('assignments', 'zed'))[0]?.data).toEqual({
      app: 'zed',
      profileId: 'p2',
    });
    await existing.engine.close();
    await joining.engine.close();
  });

  it("upload this device's data replaces the account's", async () => {
    const { existing, joining } = await joinScenario();
    await joining.engine.answerFirstJoin('uploadLocal');
    await syncQuiet(joining);
    await syncQuiet(existing);
    for (const device of [existing, joining]) {
      expect(await apps(device)).toEqual(['vscode:p1', 'zed:p2']);
      expect((await device.engine.get('settings', 'preferences'))?.data.theme).toBe('light');
    }
    await existing.engine.close();
    await joining.engine.close();
  });

  it('a device with no data simply pulls, and an empty account simply receives', async () => {
    const person = newPerson();
    const first = await newDevice('first');
    await first.engine.create('profiles', profile('Before sign-in'));
    const recoveryKey = await connect(first, backend, person);
    expect(first.engine.getStatus().decision).toBeNull();
    await syncQuiet(first);
    const empty = await newDevice('empty');
    await connect(empty, backend, person, recoveryKey);
    expect(empty.engine.getStatus().decision).toBeNull();
    expect((await empty.engine.list('profiles')).map((p) => p.data.name)).toEqual([
      'Before sign-in',
    ]);
    await first.engine.close();
    await empty.engine.close();
  });
});
