/**
 * Refresh tokens past the server's idle limit (REFRESH_TOKEN_IDLE_DAYS, 90 by default), seen from
 * the engine (issue 12 item 6): the server's clock is moved ahead, the devices' clocks are not.
 */
import { describe, expect, it } from 'vitest';
import { newPerson } from '../rig/backend';
import {
  connect,
  newDevice,
  signIn,
  stateOf,
  syncQuiet,
  type TestDevice,
  waitFor,
} from '../rig/devices';
import { HostileServer } from '../rig/hostile-server';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const DAY = 24 * 60 * 60_000;
const profile = (name: string) => ({ name, provider: 'p', model: 'm' });
const names = async (device: TestDevice) =>
  (await device.engine.list('profiles')).map((p) => p.data.name).sort();

/** The server's clock `days` ahead for `run`, then back, whatever happens. */
async function daysLater(days: number, run: () => Promise<void>): Promise<void> {
  await backend.setClockOffset(days * DAY);
  try {
    await run();
  } finally {
    await backend.setClockOffset(0);
  }
}

/** Records what the real server answered to token refreshes, changing nothing. */
function watchRefreshes(): { server: HostileServer; answers: unknown[] } {
  const server = new HostileServer();
  const answers: unknown[] = [];
  server.rewrite(/^POST \/v1\/auth\/token/, (reply) => {
    answers.push(reply.json);
    return undefined;
  });
  return { server, answers };
}

describe('refresh tokens idle past the server limit', () => {
  it('a session unused for 91 days lapses: signed out as session_lapsed (not revoked), key, data and pending edits kept; signing in again pushes them without the recovery key', async () => {
    const person = newPerson();
    const watched = watchRefreshes();
    const a = await newDevice('a', { through: watched.server.fetch });
    const b = await newDevice('b');
    const recoveryKey = (await connect(a, backend, person)) as string;
    await connect(b, backend, person, recoveryKey);
    await a.engine.create('profiles', profile('Synced before'));
    await syncQuiet(a);
    await a.engine.create('profiles', profile('Pending before'));
    const fingerprint = a.engine.getStatus().account?.fingerprint;

    await daysLater(91, async () => {
      // b keeps its session alive at day 60; only a has been idle for 91 days.
      await backend.setClockOffset(60 * DAY);
      await syncQuiet(b);
      await backend.setClockOffset(91 * DAY);
      watched.answers.length = 0;

      const report = await a.engine.syncNow();
      expect(watched.answers).toEqual([
        expect.objectContaining({ error: 'invalid_grant', code: 'refresh_token_expired' }),
      ]);
      expect(report.error?.code).toBe('session_lapsed');
      expect(stateOf(a)).toBe('signedOut');
      expect(a.engine.getStatus().lastError?.code).toBe('session_lapsed');
      expect(a.engine.getStatus().pendingEdits).toBe(1);
      await a.engine.create('profiles', profile('Made while lapsed'));
      expect(await names(a)).toEqual(['Made while lapsed', 'Pending before', 'Synced before']);
      expect(a.engine.getStatus().pendingEdits).toBe(2);

      // Signing in again to the same account: the key held here opens it, nobody types it.
      await signIn(a, backend, person);
      expect(stateOf(a)).not.toBe('needsKey');
      expect(a.engine.getStatus().account?.fingerprint).toBe(fingerprint);
      await waitFor('the lapsed edits to be pushed', () => a.engine.getStatus().pendingEdits === 0);
      expect(a.engine.getStatus().lastError).toBeNull();

      await syncQuiet(b);
      expect(await names(b)).toEqual(['Made while lapsed', 'Pending before', 'Synced before']);
    });
    await a.engine.close();
    await b.engine.close();
  });

  it('a session used within every 90 days slides: refreshed at days 60, 120 and 180, far past 90 after sign-in', async () => {
    const person = newPerson();
    const watched = watchRefreshes();
    const a = await newDevice('a', { through: watched.server.fetch });
    await connect(a, backend, person);
    for (const day of [60, 120, 180]) {
      await daysLater(day, async () => {
        watched.answers.length = 0;
        await a.engine.create('profiles', profile(`Day ${day}`));
        expect((await a.engine.syncNow()).result).toBe('ok');
        expect(watched.answers).toEqual([expect.objectContaining({ token_type: 'Bearer' })]);
        expect(stateOf(a)).not.toBe('signedOut');
      });
    }
    expect(await names(a)).toEqual(['Day 120', 'Day 180', 'Day 60']);
    await a.engine.close();
  });
});
