/**
 * While the host says the browser has no network, the engine does not try automatic syncs: each
 * would only fail and fill the activity log with "check the server address" rows for a network
 * that is simply gone. Edits wait in the outbox; the host's "back online" sends them at once.
 */
import { describe, expect, it } from 'vitest';
import { settle } from '../../src/engine/testing/manual-scheduler';
import { newPerson } from '../rig/backend';
import { connect, newDevice, stateOf, syncQuiet, waitFor } from '../rig/devices';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();
const profile = { name: 'Train', provider: 'p', model: 'm', apiKey: 'sk-train' };

describe('the host says offline', () => {
  it('tries no automatic sync and logs nothing until the host says it is back, then sends the edits', async () => {
    const a = await newDevice('a');
    await connect(a, backend, newPerson());
    await syncQuiet(a);
    const rowsBefore = (await a.engine.activity()).length;

    a.net.online = false;
    a.engine.setOnline(false);
    await settle();
    expect(stateOf(a)).toBe('offline');
    const requestsBefore = a.net.log.length;
    await a.engine.create('profiles', profile);
    // The edit's pause, a retry's and the interval all pass with no network.
    await a.scheduler.advance(10 * 60_000);
    await settle();
    expect(a.net.log.slice(requestsBefore)).toEqual([]);
    expect((await a.engine.activity()).length).toBe(rowsBefore);
    expect(a.engine.getStatus().pendingEdits).toBe(1);
    expect(stateOf(a)).toBe('offline');

    a.net.online = true;
    a.engine.setOnline(true);
    await waitFor('the edit to be sent', () => a.engine.getStatus().pendingEdits === 0);
    const [latest] = await a.engine.activity(1);
    expect(latest).toMatchObject({ trigger: 'online', result: 'ok', pushed: 1 });
    await a.engine.close();
  });

  it('still runs a sync the person asks for (an unreachable server can be tried again)', async () => {
    const a = await newDevice('a');
    await connect(a, backend, newPerson());
    await syncQuiet(a);
    a.engine.setOnline(false);
    await settle();
    const report = await a.engine.syncNow();
    expect(report.result).toBe('ok');
    await a.engine.close();
  });
});
