/**
 * The server says its owner disabled or deleted the account (issue 14 item 5). Both are claims
 * nobody signs, so they are played here by a lying server over the real one: whatever the claim,
 * the device keeps its key, data and pending edits, says what happened in words of its own, and
 * carries on by itself once the server answers honestly again.
 */
import { describe, expect, it } from 'vitest';
import { newPerson } from '../rig/backend';
import { connect, newDevice, signIn, stateOf, type TestDevice, waitFor } from '../rig/devices';
import { forgedProblem, HostileServer } from '../rig/hostile-server';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const profile = (name: string) => ({ name, provider: 'p', model: 'm' });
const names = async (device: TestDevice) =>
  (await device.engine.list('profiles')).map((p) => p.data.name).sort();

async function deviceBehindALiar(): Promise<{ liar: HostileServer; device: TestDevice }> {
  const liar = new HostileServer();
  const device = await newDevice('a', { through: liar.fetch });
  await connect(device, backend, newPerson());
  await device.engine.create('profiles', profile('Synced'));
  expect((await device.engine.syncNow()).result).toBe('ok');
  await device.engine.create('profiles', profile('Pending'));
  return { liar, device };
}

describe('an account its server calls disabled or deleted', () => {
  it('disabled: the run says so, nothing is dropped or signed out, and the next honest run sends the waiting edit', async () => {
    const { liar, device } = await deviceBehindALiar();
    const fingerprint = device.engine.getStatus().account?.fingerprint;
    liar.forge(/^GET \/v1\/changes/, () => forgedProblem(403, 'account_disabled'));

    const report = await device.engine.syncNow();
    expect(report.result).toBe('error');
    expect(report.error?.code).toBe('account_disabled');
    expect(device.engine.getStatus().lastError?.code).toBe('account_disabled');
    expect(stateOf(device)).not.toBe('signedOut');
    expect(device.engine.getStatus().account?.fingerprint).toBe(fingerprint);
    expect(device.engine.getStatus().pendingEdits).toBe(1);
    expect(await names(device)).toEqual(['Pending', 'Synced']);

    liar.honest();
    expect((await device.engine.syncNow()).result).toBe('ok');
    expect(device.engine.getStatus().pendingEdits).toBe(0);
    expect(device.engine.getStatus().lastError).toBeNull();
    await device.engine.close();
  });

  it('disabled at a token refresh: the refresh token is kept (not a revocation) and works once the server is honest', async () => {
    const { liar, device } = await deviceBehindALiar();
    // The access token refused once sends the device to refresh, which the liar refuses too.
    liar.forge(/^GET \/v1\/changes/, () => forgedProblem(401, 'token_expired'), 1);
    liar.forge(/^POST \/v1\/auth\/token/, () => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      json: { error: 'invalid_grant', error_description: 'disabled', code: 'account_disabled' },
    }));

    const report = await device.engine.syncNow();
    expect(report.error?.code).toBe('account_disabled');
    expect(stateOf(device)).not.toBe('signedOut');
    expect(liar.told).toEqual([1, 1]);

    liar.honest();
    expect((await device.engine.syncNow()).result).toBe('ok');
    expect(device.engine.getStatus().pendingEdits).toBe(0);
    await device.engine.close();
  });

  it('deleted: signed out with its own reason, key, data and pending edits kept; signing in again to the same account resumes without the recovery key', async () => {
    const person = newPerson();
    const liar = new HostileServer();
    const device = await newDevice('a', { through: liar.fetch });
    await connect(device, backend, person);
    await device.engine.create('profiles', profile('Synced'));
    expect((await device.engine.syncNow()).result).toBe('ok');
    await device.engine.create('profiles', profile('Pending'));
    const fingerprint = device.engine.getStatus().account?.fingerprint;
    liar.forge(/^GET \/v1\/changes/, () => forgedProblem(410, 'account_deleted'));

    const report = await device.engine.syncNow();
    expect(report.error?.code).toBe('account_deleted');
    expect(stateOf(device)).toBe('signedOut');
    expect(device.engine.getStatus().lastError?.code).toBe('account_deleted');
    // Asked again, it does not reach the server: the session is gone until a sign-in.
    await expect(device.engine.syncNow()).rejects.toMatchObject({ code: 'not_signed_in' });
    expect(liar.told).toEqual([1]);
    await device.engine.create('profiles', profile('Made while out'));
    expect(await names(device)).toEqual(['Made while out', 'Pending', 'Synced']);
    expect(device.engine.getStatus().pendingEdits).toBe(2);

    liar.honest();
    await signIn(device, backend, person);
    expect(stateOf(device)).not.toBe('needsKey');
    expect(device.engine.getStatus().account?.fingerprint).toBe(fingerprint);
    await waitFor(
      'the kept edits to be pushed',
      () => device.engine.getStatus().pendingEdits === 0,
    );
    expect(device.engine.getStatus().lastError).toBeNull();
    await device.engine.close();
  });
});
