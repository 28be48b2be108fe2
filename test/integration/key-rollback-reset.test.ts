/**
 * Starting over after `key_rollback`, through the host as the pages reach it: the server (as if
 * restored from a backup) serves the key document from before a rotation this device verified.
 * The unlock is refused; the `reset` flag the page sends on the person's confirmation must
 * reach the key manager, which then trusts, and re-pins to, the document served now. A `reset`
 * that is not a boolean is refused at the host's boundary and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import { createHost } from '../../src/host/commands';
import type { Host } from '../../src/host/host';
import { newPerson } from '../rig/backend';
import { connect, newDevice, signIn, syncQuiet, type TestDevice } from '../rig/devices';
import { keyDocumentOf } from '../rig/server-view';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const documentOf = (device: TestDevice) => keyDocumentOf(backend.url, device);

async function pinsOf(device: TestDevice) {
  return readMeta(await openEngineDatabase(device.factory, device.dbName), 'keyPins');
}

function hostOver(device: TestDevice): Promise<Host> {
  let server = backend.url;
  return createHost(device.engine, {
    serverSetting: {
      read: async () => server,
      write: async (url) => {
        server = url;
      },
    },
    openTab: async () => undefined,
    describeDevice: async () => ({ deviceName: device.name, platform: 'test' }),
  });
}

describe('keys.unlock with reset, after the server went back to an older key document', () => {
  it('is refused as key_rollback without reset, and with reset: true unlocks into the served document', async () => {
    const person = newPerson();
    const laptop = await newDevice('laptop');
    const recoveryKey = (await connect(laptop, backend, person)) as string;
    const accountId = laptop.engine.getStatus().account?.accountId as string;
    const backup = await documentOf(laptop);
    await laptop.engine.rotateAccountKey();
    await syncQuiet(laptop);
    const rotated = await documentOf(laptop);
    expect(rotated.epoch).toBe(backup.epoch + 1);
    expect((await pinsOf(laptop))?.epoch).toBe(rotated.epoch);

    // Signed out (the pins stay), the server restored to the document from before the rotation.
    await laptop.engine.signOut();
    await backend.replaceKeyDocument(accountId, {
      document: backup.key_document,
      fingerprint: backup.key_fingerprint,
      epoch: backup.epoch,
    });
    await signIn(laptop, backend, person);
    const host = await hostOver(laptop);
    expect(host.getStatus().state).toMatchObject({ kind: 'needsKey', mode: 'unlock' });

    await expect(host.call('keys.unlock', { recoveryKey })).rejects.toMatchObject({
      code: 'key_rollback',
    });
    await expect(host.call('keys.unlock', { recoveryKey, reset: false })).rejects.toMatchObject({
      code: 'key_rollback',
    });
    // Only a real `true` counts: a truthy stand-in is refused before the engine sees it.
    await expect(
      host.call('keys.unlock', { recoveryKey, reset: 'yes' as unknown as boolean }),
    ).rejects.toMatchObject({ code: 'validation_failed', issues: [{ path: 'reset' }] });
    expect(host.getStatus().state).toMatchObject({ kind: 'needsKey', mode: 'unlock' });
    expect(host.getStatus().account?.fingerprint ?? null).toBeNull();
    expect((await pinsOf(laptop))?.epoch).toBe(rotated.epoch);

    await host.call('keys.unlock', { recoveryKey, reset: true });
    expect(host.getStatus().state.kind).not.toBe('needsKey');
    expect(host.getStatus().account?.fingerprint).toBe(backup.key_fingerprint);
    expect(await pinsOf(laptop)).toMatchObject({
      epoch: backup.epoch,
      fingerprint: backup.key_fingerprint,
    });
    await laptop.engine.close();
  });
});
