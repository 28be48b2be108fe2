/** The host adapter over a real engine on fake-indexeddb (local commands; no server needed). */
import { afterEach, describe, expect, it } from 'vitest';
import type { Status } from './contract';
import type { Host } from './host';
import { offlineHost as host, openEngines } from './testing';

afterEach(async () => {
  for (const engine of openEngines.splice(0)) await engine.close();
});

const work = { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-1', notes: 'n' };

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toMatchObject({ code });
}

describe('the extension host adapter', () => {
  it('saves, lists, searches and edits records, removing fields cleared in the form', async () => {
    const { host: h } = await host();
    const { id } = await h.call('records.save', { collection: 'profiles', value: work });
    const [listed] = await h.call('records.list', { collection: 'profiles' });
    expect(listed).toMatchObject({ id, value: work, pending: true });
    expect(await h.call('records.list', { collection: 'profiles', query: 'GPT' })).toHaveLength(1);
    expect(await h.call('records.list', { collection: 'profiles', query: 'sk-1' })).toHaveLength(0);

    const { notes: _dropped, ...withoutNotes } = work;
    await h.call('records.save', {
      collection: 'profiles',
      id,
      value: { ...withoutNotes, model: 'o3' },
    });
    const [edited] = await h.call('records.list', { collection: 'profiles' });
    expect(edited?.value).toEqual({ ...withoutNotes, model: 'o3' });
  });

  it('reports field issues from the engine with their paths', async () => {
    const { host: h } = await host();
    await expect(
      h.call('records.save', { collection: 'profiles', value: { ...work, baseUrl: 'nope' } }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'baseUrl' })]),
    });
    await expectCode(
      h.call('records.list', { collection: 'nope' as 'profiles' }),
      'unknown_collection',
    );
  });

  it('keeps the server address while signed out and rejects an insecure one', async () => {
    const { host: h, saved } = await host();
    const seen: Status[] = [];
    h.onStatus((s) => seen.push(s));
    await h.call('settings.update', { server: 'https://sync.example.com/' });
    expect(saved()).toBe('https://sync.example.com');
    expect(h.getStatus().settings.server).toBe('https://sync.example.com');
    expect(seen.at(-1)?.settings.server).toBe('https://sync.example.com');
    await expectCode(
      h.call('settings.update', { server: 'http://sync.example.com' }),
      'insecure_server_url',
    );
    expect(saved()).toBe('https://sync.example.com');
  });

  it('passes sync settings to the engine and validates them there', async () => {
    const { host: h } = await host();
    await h.call('settings.update', { intervalSeconds: 30, conflictStrategy: 'manual' });
    expect(h.getStatus().settings).toMatchObject({
      intervalSeconds: 30,
      conflictStrategy: 'manual',
    });
    await expectCode(h.call('settings.update', { intervalSeconds: 5 }), 'invalid_settings');
    expect(h.getStatus().settings.intervalSeconds).toBe(30);
  });

  it('round-trips a backup: export, preview and import into another device', async () => {
    const { host: a } = await host();
    await a.call('records.save', { collection: 'profiles', value: work });
    await a.call('records.save', {
      collection: 'assignments',
      value: { app: 'editor', profileId: 'p1' },
    });
    const { json } = await a.call('backup.export', undefined);
    expect(json).toContain('sk-1');

    const { host: b } = await host();
    await b.call('records.save', {
      collection: 'assignments',
      value: { app: 'editor', profileId: 'p2' },
    });
    expect(await b.call('backup.previewImport', { json })).toEqual({
      added: 1,
      changed: 1,
      unchanged: 0,
    });
    await b.call('backup.import', { json });
    expect(await b.call('backup.previewImport', { json })).toEqual({
      added: 0,
      changed: 0,
      unchanged: 2,
    });
    const [profile] = await b.call('records.list', { collection: 'profiles' });
    expect(profile?.value).toEqual(work);
  });

  it('refuses a file that is not a backup, changing nothing', async () => {
    const { host: h } = await host();
    await expectCode(h.call('backup.import', { json: '{"hello": 1}' }), 'invalid_backup');
    await expectCode(h.call('backup.previewImport', { json: 'not json' }), 'invalid_backup');
    expect(await h.call('records.list', { collection: 'profiles' })).toEqual([]);
  });

  it('answers commands that need a session with a coded error', async () => {
    const { host: h }: { host: Host } = await host();
    await expectCode(h.call('sync.now', undefined), 'not_signed_in');
    await expectCode(h.call('devices.list', undefined), 'not_signed_in');
    await expectCode(h.call('security.fingerprint', undefined), 'locked');
  });

  it('checks an unlock message at the boundary: one text secret, reset only as a boolean', async () => {
    const { host: h } = await host();
    const bad = [
      null,
      {},
      { recoveryKey: 'ABCD', passphrase: 'both at once' },
      { recoveryKey: 42 },
      { passphrase: ['not', 'text'] },
      { recoveryKey: 'ABCD', reset: 'true' },
      { passphrase: 'long enough passphrase', reset: 1 },
    ];
    for (const input of bad) {
      await expectCode(
        h.call('keys.unlock', input as unknown as { recoveryKey: string }),
        'validation_failed',
      );
    }
    // Well-formed, with or without reset, it reaches the engine (which needs a session first).
    await expectCode(h.call('keys.unlock', { recoveryKey: 'ABCD' }), 'not_signed_in');
    await expectCode(h.call('keys.unlock', { passphrase: 'x', reset: true }), 'not_signed_in');
  });

  it('passes pairing and rotation through to the engine, which needs a session for them', async () => {
    const { host: h } = await host();
    expect(h.getStatus()).toMatchObject({ pairing: null, pairingRequests: 0, rotation: null });
    await expectCode(h.call('pairing.request', undefined), 'not_signed_in');
    await expectCode(h.call('pairing.list', undefined), 'not_signed_in');
    await expectCode(h.call('pairing.accept', { id: 'p1' }), 'not_signed_in');
    await expectCode(h.call('pairing.approve', { code: '123 456' }), 'not_signed_in');
    await expectCode(h.call('pairing.deny', {}), 'not_signed_in');
    await expectCode(h.call('keys.rotate', {}), 'not_signed_in');
  });
});
