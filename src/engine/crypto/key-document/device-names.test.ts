/**
 * Device names in the key document: written by whoever holds the master, covered by the mac, so
 * the server (which relabels devices in its own list at will) cannot change or remove one; carried
 * across a rotation; optional, so documents written before names existed still open.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../expect-code.test-helper';
import {
  addDeviceRecipient,
  createKeyDocument,
  type DeviceKeyPair,
  generateDeviceKeyPair,
  generateMasterKey,
  generateRecoveryKey,
  inspectKeyDocument,
  isDeviceName,
  nameDeviceRecipient,
  openKeyDocumentAsDevice,
  rotateKeyDocument,
  unlockKeyDocument,
  verifyKeyDocument,
} from '../index';
import { ACCOUNT, decode, edit, encode, FAST } from './key-document.test-helper';
import { signKeyDocument } from './mac';

let master: Uint8Array;
let recoveryKey: string;
let laptop: DeviceKeyPair;
let phone: DeviceKeyPair;
let lost: DeviceKeyPair;
let authKey: Uint8Array;
/** Epoch 1: laptop and lost named, phone added without a name (as before names existed). */
let named: string;

function add(document: string, id: string, pair: DeviceKeyPair, deviceName?: string) {
  return addDeviceRecipient(document, {
    accountId: ACCOUNT,
    master,
    deviceId: id,
    publicKey: pair.publicKey,
    ...(deviceName === undefined ? {} : { deviceName }),
    ...FAST,
  });
}

const inspect = (document: string, key = master) =>
  inspectKeyDocument(document, ACCOUNT, key, FAST);
const asDevice = (document: string, id: string, pair: DeviceKeyPair) =>
  openKeyDocumentAsDevice(
    document,
    ACCOUNT,
    { deviceId: id, privateKey: pair.privateKey, authKey },
    FAST,
  );

/** Epoch 1 of the account under `master`, with no device yet. */
async function firstDocument(): Promise<string> {
  const { document } = await createKeyDocument({
    master,
    accountId: ACCOUNT,
    epoch: 1,
    recoveryKey,
    ...FAST,
  });
  return document;
}

beforeAll(async () => {
  master = generateMasterKey();
  recoveryKey = generateRecoveryKey();
  [laptop, phone, lost] = await Promise.all([
    generateDeviceKeyPair(),
    generateDeviceKeyPair(),
    generateDeviceKeyPair(),
  ]);
  const document = await firstDocument();
  authKey = (await inspect(document)).authKey as Uint8Array;
  let next = await add(document, 'laptop', laptop, 'Work laptop');
  next = await add(next, 'phone', phone);
  named = await add(next, 'lost', lost, 'Old phone');
});

describe('device names in the key document', () => {
  it('are written into the device entries and read back from the verified document', async () => {
    const json = decode(named);
    expect(json.recipients['device:laptop'].deviceName).toBe('Work laptop');
    expect(json.recipients['device:lost'].deviceName).toBe('Old phone');
    expect(json.recipients['device:phone'].deviceName).toBeUndefined();
    const inspected = await inspect(named);
    expect([...inspected.deviceNames]).toEqual([
      ['laptop', 'Work laptop'],
      ['lost', 'Old phone'],
    ]);
    expect((await asDevice(named, 'laptop', laptop)).epoch).toBe(1);
  });

  it('cannot be changed, added or removed by the server: the mac no longer verifies', async () => {
    const relabelled = edit(named, (json) => {
      json.recipients['device:lost'].deviceName = 'Work laptop';
    });
    const added = edit(named, (json) => {
      json.recipients['device:phone'].deviceName = 'My phone';
    });
    const removed = edit(named, (json) => {
      delete json.recipients['device:laptop'].deviceName;
    });
    for (const forged of [relabelled, added, removed]) {
      await expectCode(() => inspect(forged), 'key_document_invalid');
      await expectCode(() => asDevice(forged, 'laptop', laptop), 'key_document_invalid');
      await expectCode(
        () => verifyKeyDocument(forged, ACCOUNT, authKey, FAST),
        'key_document_invalid',
      );
      await expectCode(
        () => unlockKeyDocument(forged, ACCOUNT, { recoveryKey }, FAST),
        'key_document_invalid',
      );
    }
  });

  it('carry across a rotation for the kept devices; the dropped one goes with its name', async () => {
    const newMaster = generateMasterKey();
    const rotated = await rotateKeyDocument(named, {
      accountId: ACCOUNT,
      master,
      newMaster,
      keepDevices: ['laptop', 'phone'],
      ...FAST,
    });
    const json = decode(rotated.document);
    expect(Object.keys(json.recipients).sort()).toEqual([
      'device:laptop',
      'device:phone',
      'recovery',
    ]);
    const inspected = await inspect(rotated.document, newMaster);
    expect([...inspected.deviceNames]).toEqual([['laptop', 'Work laptop']]);
    // And the carried name is as MAC-covered in the new epoch as in the old one.
    const relabelled = edit(rotated.document, (doc) => {
      doc.recipients['device:laptop'].deviceName = 'Old phone';
    });
    await expectCode(() => inspect(relabelled, newMaster), 'key_document_invalid');
  });

  it('are optional: a document without any name opens, and lists no names', async () => {
    const document = await firstDocument();
    const old = await add(await add(document, 'laptop', laptop), 'phone', phone);
    expect(old).not.toContain('deviceName');
    expect(JSON.stringify(decode(old))).not.toContain('deviceName');
    const inspected = await inspect(old);
    expect(inspected.devices.sort()).toEqual(['laptop', 'phone']);
    expect(inspected.deviceNames.size).toBe(0);
    const authOfOld = inspected.authKey as Uint8Array;
    const opened = await openKeyDocumentAsDevice(
      old,
      ACCOUNT,
      { deviceId: 'phone', privateKey: phone.privateKey, authKey: authOfOld },
      FAST,
    );
    expect(opened.master).toEqual(master);
  });

  it('are kept when the same key registers again without a name, not for a new key', async () => {
    const again = await add(named, 'laptop', laptop);
    expect((await inspect(again)).deviceNames.get('laptop')).toBe('Work laptop');
    const otherKey = await add(named, 'laptop', phone);
    expect((await inspect(otherKey)).deviceNames.has('laptop')).toBe(false);
  });

  it('are renamed by a holder of the master, everything else byte for byte', async () => {
    const renamed = await nameDeviceRecipient(named, {
      accountId: ACCOUNT,
      master,
      deviceId: 'phone',
      deviceName: 'Pixel',
      ...FAST,
    });
    expect((await inspect(renamed)).deviceNames.get('phone')).toBe('Pixel');
    const { mac: _a, recipients: before, ...restBefore } = decode(named);
    const { mac: _b, recipients: after, ...restAfter } = decode(renamed);
    expect(restAfter).toEqual(restBefore);
    expect(after['device:phone']).toEqual({ ...before['device:phone'], deviceName: 'Pixel' });
    expect(after['device:laptop']).toEqual(before['device:laptop']);
    await expectCode(
      () =>
        nameDeviceRecipient(named, {
          accountId: ACCOUNT,
          master,
          deviceId: 'nobody',
          deviceName: 'Ghost',
          ...FAST,
        }),
      'not_a_recipient',
    );
    await expectCode(
      () =>
        nameDeviceRecipient(named, {
          accountId: ACCOUNT,
          master: generateMasterKey(),
          deviceId: 'phone',
          deviceName: 'Pixel',
          ...FAST,
        }),
      'wrong_key',
    );
  });

  it('are bounded and validated when written', async () => {
    for (const bad of [
      '',
      ' padded ',
      'x'.repeat(65),
      'line\nbreak',
      'evil\u202Eenohp',
      'nul\u0000',
    ]) {
      expect(isDeviceName(bad)).toBe(false);
      await expectCode(() => add(named, 'tablet', phone, bad), 'invalid_argument');
    }
    expect(isDeviceName('x'.repeat(64))).toBe(true);
    expect(isDeviceName('Téléphone de Zoë 📱')).toBe(true);
  });

  it('are validated when read, even under a valid mac', async () => {
    // Only a holder of K_auth could write this; the document is refused all the same.
    for (const bad of ['x'.repeat(65), 'evil\u202Eenohp', '']) {
      const { mac: _mac, ...unsigned } = decode(named);
      unsigned.recipients['device:laptop'].deviceName = bad;
      const signed = encode(await signKeyDocument(authKey, ACCOUNT, unsigned as never));
      const error = await expectCode(() => inspect(signed), 'key_document_invalid');
      expect(error.message).toContain('recipients.device:laptop.deviceName');
    }
    const { mac: _mac, ...unsigned } = decode(named);
    unsigned.recipients.recovery.deviceName = 'Recovery';
    const signed = encode(await signKeyDocument(authKey, ACCOUNT, unsigned as never));
    await expectCode(() => inspect(signed), 'key_document_invalid');
  });
});
