import { describe, expect, it } from 'vitest';
import { createKeyDocument, generateMasterKey, generateRecoveryKey } from '../../src/engine/crypto';
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
import { useBackend } from '../rig/use-backend';

const backend = useBackend({ config: { tombstoneRetentionMs: 0 } });

const MINUTE = 60_000;
const profile = (name: string) => ({ name, provider: 'p', model: 'm' });

async function pair() {
  const person = newPerson();
  const a = await newDevice('a');
  const b = await newDevice('b');
  const recoveryKey = (await connect(a, backend, person)) as string;
  await connect(b, backend, person, recoveryKey);
  return { a, b, recoveryKey, person };
}

async function close(...devices: TestDevice[]) {
  for (const device of devices) await device.engine.close();
}

describe('tokens', () => {
  it('refreshes transparently when the server says the access token expired', async () => {
    const { a, b } = await pair();
    await backend.setClockOffset(16 * MINUTE);
    try {
      a.net.log.length = 0;
      await a.engine.create('profiles', profile('After expiry'));
      const report = await a.engine.syncNow();
      expect(report.result).toBe('ok');
      expect(a.net.log.slice(0, 3)).toEqual([
        'GET /v1/changes',
        'POST /v1/auth/token',
        'GET /v1/changes',
      ]);
    } finally {
      await backend.setClockOffset(0);
    }
    await close(a, b);
  });

  it('refreshes ahead of expiry by its own clock', async () => {
    const { a, b } = await pair();
    a.clock.offsetMs = 15 * MINUTE;
    a.net.log.length = 0;
    expect((await a.engine.syncNow()).result).toBe('ok');
    expect(a.net.log.slice(0, 2)).toEqual(['POST /v1/auth/token', 'GET /v1/changes']);
    await close(a, b);
  });
});

describe('signing out and being signed out', () => {
  it('a revoked device goes to signed out and keeps its local data', async () => {
    const { a, b } = await pair();
    await a.engine.create('profiles', profile('Mine'));
    await syncQuiet(a);
    const aDevice = a.engine.getStatus().account?.deviceId as string;
    expect((await b.engine.listDevices()).map((device) => device.id)).toContain(aDevice);
    await expect(
      b.engine.revokeDevice(b.engine.getStatus().account?.deviceId as string),
    ).rejects.toMatchObject({ code: 'cannot_revoke_self' });
    await b.engine.revokeDevice(aDevice);

    await a.engine.create('profiles', profile('Made after the revoke'));
    const report = await a.engine.syncNow();
    expect(report.error?.code).toBe('device_revoked');
    expect(stateOf(a)).toBe('signedOut');
    expect(a.engine.getStatus().lastError?.code).toBe('device_revoked');
    expect((await a.engine.list('profiles')).map((p) => p.data.name).sort()).toEqual([
      'Made after the revoke',
      'Mine',
    ]);
    await expect(a.engine.syncNow()).rejects.toMatchObject({ code: 'not_signed_in' });
    await close(a, b);
  });

  it('logout keeps local data; signing in again to the same account carries on', async () => {
    const { a, b, person, recoveryKey } = await pair();
    await a.engine.create('profiles', profile('Before logout'));
    await syncQuiet(a);
    a.net.log.length = 0;
    await a.engine.signOut();
    expect(a.net.log).toEqual(['POST /v1/auth/revoke']);
    expect(stateOf(a)).toBe('signedOut');
    expect(a.engine.getStatus().account).toBeNull();
    await a.engine.create('profiles', profile('While signed out'));
    expect((await a.engine.list('profiles')).length).toBe(2);

    await signIn(a, backend, person);
    expect(a.engine.getStatus().state).toMatchObject({ kind: 'needsKey', mode: 'unlock' });
    await a.engine.unlock({ recoveryKey });
    await waitFor('the sync after unlocking', () => a.engine.getStatus().pendingEdits === 0);
    await syncQuiet(b);
    expect((await b.engine.list('profiles')).map((p) => p.data.name).sort()).toEqual([
      'Before logout',
      'While signed out',
    ]);
    await close(a, b);
  });

  for (const cursorMoved of [true, false]) {
    const how = cursorMoved ? 'a 410 (cursor behind the purge)' : 'a cursor still at zero';
    it(`after purged tombstones and ${how}, resyncs in full and keeps its pending edits`, async () => {
      const { a, b, person, recoveryKey } = await pair();
      const gone = await a.engine.create('profiles', profile('Deleted elsewhere'));
      const edited = await a.engine.create('profiles', profile('Edited offline'));
      await syncQuiet(a);
      // A second run pulls a's own writes back, moving its cursor past zero.
      if (cursorMoved) await a.engine.syncNow();
      await syncQuiet(b);
      await a.engine.signOut();
      await a.engine.update('profiles', edited.id, { model: 'edited while out' });
      await a.engine.create('profiles', profile('Created while out'));

      await b.engine.delete('profiles', gone.id);
      // Push the delete, pull it back, then pull once more so the server records b's cursor past it.
      for (let i = 0; i < 3; i += 1) await b.engine.syncNow();
      expect(await backend.purgeTombstones()).toBe(1);

      await signIn(a, backend, person);
      a.net.log.length = 0;
      await a.engine.unlock({ recoveryKey });
      // Absence is no deletion (issue 11): the record whose tombstone was purged is kept and the
      // person is asked before anything is pushed; deleting it then gives the state of before.
      await waitFor(
        'the resync',
        () => a.engine.getStatus().decision !== null && stateOf(a) === 'idle',
      );
      expect(a.engine.getStatus().decision).toEqual({
        kind: 'bulkDelete',
        side: 'missing',
        deletions: 1,
        total: 3,
        byCollection: { profiles: 1 },
      });
      const pulls = a.net.log.filter((line) => line === 'GET /v1/changes').length;
      expect(pulls).toBe(cursorMoved ? 2 : 1);
      if (cursorMoved) expect((await a.engine.activity())[0]?.pulled).toBe(1);
      expect((await a.engine.list('profiles')).map((p) => p.data.name).sort()).toEqual([
        'Created while out',
        'Deleted elsewhere',
        'Edited offline',
      ]);
      expect((await a.engine.answerBulkDelete('delete')).result).toBe('ok');
      expect(a.net.log).toContain('POST /v1/batch');
      expect((await a.engine.list('profiles')).map((p) => p.data.name).sort()).toEqual([
        'Created while out',
        'Edited offline',
      ]);
      await syncQuiet(b);
      expect((await b.engine.get('profiles', edited.id))?.data.model).toBe('edited while out');
      expect((await b.engine.list('profiles')).length).toBe(2);
      await close(a, b);
    });
  }
});

describe('keys', () => {
  it('refuses a wrong recovery key with a specific code and stays locked', async () => {
    const person = newPerson();
    const a = await newDevice('a');
    await connect(a, backend, person);
    const b = await newDevice('b');
    await signIn(b, backend, person);
    await expect(b.engine.unlock({ recoveryKey: generateRecoveryKey() })).rejects.toMatchObject({
      code: 'wrong_secret',
    });
    await expect(b.engine.unlock({ recoveryKey: 'not a key' })).rejects.toMatchObject({
      code: 'invalid_recovery_key',
    });
    expect(b.engine.getStatus().state).toMatchObject({ kind: 'needsKey', mode: 'unlock' });
    await expect(b.engine.syncNow()).rejects.toMatchObject({ code: 'locked' });
    await close(a, b);
  });

  it('when the account key is replaced by a document that does not verify, keeps the key and pending edits; an explicit reset takes it', async () => {
    const { a, b, recoveryKey } = await pair();
    const account = a.engine.getStatus().account;
    if (!account) throw new Error('not signed in');
    // Another client replaces the key document from scratch (new master and K_auth, epoch 2):
    // nothing in it verifies against what this device pinned, so it is indistinguishable from a
    // forgery by the server (issue 12 item 3). Before issue 12 the device dropped its key here.
    const newRecovery = generateRecoveryKey();
    const { document, fingerprint } = await createKeyDocument({
      master: generateMasterKey(),
      accountId: account.accountId,
      epoch: 2,
      recoveryKey: newRecovery,
    });
    const before = a.engine.getStatus().account?.fingerprint;
    await backend.replaceKeyDocument(account.accountId, { document, fingerprint, epoch: 2 });

    await a.engine.create('profiles', profile('Pending under the old key'));
    const report = await a.engine.syncNow();
    expect(report.error?.code).toBe('key_unverified');
    expect(a.engine.getStatus().state.kind).not.toBe('needsKey');
    expect(a.engine.getStatus().account?.fingerprint).toBe(before);
    expect(a.engine.getStatus().pendingEdits).toBe(1);
    // Unlocking needs the person's explicit reset, and the secret of the new document.
    await expect(a.engine.unlock({ recoveryKey: newRecovery })).rejects.toMatchObject({
      code: 'key_not_needed',
    });
    await expect(a.engine.unlock({ recoveryKey }, { reset: true })).rejects.toMatchObject({
      code: 'wrong_secret',
    });
    await a.engine.unlock({ recoveryKey: newRecovery }, { reset: true });
    expect(a.engine.getStatus().account?.fingerprint).toBe(fingerprint);
    expect(a.engine.getStatus().pendingEdits).toBe(1);
    await close(a, b);
  });
});

describe('sign-in flow', () => {
  it('reports a denied sign-in and an expired one, and can be cancelled', async () => {
    const person = newPerson();
    const denied = await newDevice('denied');
    const state = await denied.engine.signIn({
      serverUrl: backend.url,
      deviceName: 'denied',
      platform: 'test',
    });
    if (state.kind !== 'signingIn') throw new Error('expected signingIn');
    await backend.deny(state.userCode, person);
    await denied.scheduler.advance(5000);
    await waitFor('the denial', () => stateOf(denied) === 'signedOut');
    expect(denied.engine.getStatus().lastError?.code).toBe('sign_in_denied');

    const expired = await newDevice('expired');
    await expired.engine.signIn({
      serverUrl: backend.url,
      deviceName: 'expired',
      platform: 'test',
    });
    expired.clock.offsetMs = 11 * MINUTE;
    await expired.scheduler.advance(5000);
    await waitFor('the expiry', () => stateOf(expired) === 'signedOut');
    expect(expired.engine.getStatus().lastError?.code).toBe('sign_in_expired');

    const cancelled = await newDevice('cancelled');
    await cancelled.engine.signIn({
      serverUrl: `${backend.url}/`,
      deviceName: 'cancelled',
      platform: 'test',
    });
    await expect(
      cancelled.engine.signIn({ serverUrl: backend.url, deviceName: 'x', platform: 'test' }),
    ).rejects.toMatchObject({ code: 'sign_in_in_progress' });
    await cancelled.engine.cancelSignIn();
    expect(stateOf(cancelled)).toBe('signedOut');
    await close(denied, expired, cancelled);
  });

  it('refuses a bad server address and reports an unreachable one', async () => {
    const device = await newDevice('bad-url');
    await expect(
      device.engine.signIn({ serverUrl: 'ftp://example.com', deviceName: 'x', platform: 'test' }),
    ).rejects.toMatchObject({ code: 'invalid_server_url' });
    await expect(
      device.engine.signIn({ serverUrl: 'not a url', deviceName: 'x', platform: 'test' }),
    ).rejects.toMatchObject({ code: 'invalid_server_url' });
    // The engine sends the tokens, so it refuses plain http to the internet whoever calls it.
    await expect(
      device.engine.signIn({
        serverUrl: 'http://sync.example.com',
        deviceName: 'x',
        platform: 'test',
      }),
    ).rejects.toMatchObject({ code: 'insecure_server_url' });
    device.net.online = false;
    await expect(
      device.engine.signIn({ serverUrl: backend.url, deviceName: 'x', platform: 'test' }),
    ).rejects.toMatchObject({ code: 'network_unreachable' });
    expect(stateOf(device)).toBe('signedOut');
    await close(device);
  });
});
