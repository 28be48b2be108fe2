/**
 * Version 1 key documents, written by the code before version 2 existed (stored fixture): they
 * still unlock, rewrap in place, and upgrade to version 2 by rotation with a new recovery key.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64url } from './base64url';
import { expectCode } from './expect-code.test-helper';
import {
  addDeviceRecipient,
  deriveTokenRoot,
  fingerprintOf,
  generateDeviceKeyPair,
  generateMasterKey,
  generateRecoveryKey,
  inspectKeyDocument,
  openKeyDocumentAsDevice,
  rewrapKeyDocument,
  rotateKeyDocument,
  unlockKeyDocument,
} from './index';
import {
  ACCOUNT,
  decode,
  edit,
  FAST,
  flipFirstByte,
  type Json,
  PASSPHRASE,
} from './key-document.test-helper';

// createKeyDocument({ master, accountId: 'acct-42', epoch: 1, recoveryKey, passphrase:
// PASSPHRASE, unsafeTestIterations: 1000 }) as of commit 1826ebe (version 1).
const V1 = {
  master: fromBase64url('I4Zyfy-3qNKqWfsxK9JnFDkSHA9xrWmQYUrFSzOT1l0') as Uint8Array,
  recoveryKey: '56X6-4VG8-K58W-T0SC-QQ85-48KW-C4DB',
  fingerprint: 'NsG3EaUsTlyrY8tdwg0BHA',
  document:
    'eyJ2IjoxLCJlcG9jaCI6MSwiZmluZ2VycHJpbnQiOiJOc0czRWFVc1RseXJZOHRkd2cwQkhBIiwidG9rZW5Sb290Ijp7' +
    'Iml2IjoiSjRlYnd1azZFQzVPRGxaSyIsImN0IjoibzkwWTF1ZHpiZXJEa2RwVFlsWlJiWTJjTmlJUTVlQ2pDczRhc2tX' +
    'dnNZSnR2NDBDNjBCMzVtU3JUUllWWHhzRiJ9LCJ3cmFwcyI6eyJyZWNvdmVyeSI6eyJrZGYiOiJoa2RmLXNoYTI1NiIs' +
    'InNhbHQiOiI2cUpCcG5VbEVYVjNUaGJiUjFvR3JnIiwiY2hlY2siOiJSbzNyZVpLSWI1OUdoVkxfNGNQcEJ3IiwiaXYi' +
    'OiJZTE1sLWFHQUR1VVRCczNoIiwiY3QiOiJMNnJKQ1RFN2pxU2ktYmNmMklNR2o3ak9SRHBRcDE0cXBrdllGaDRQbm9L' +
    'VGcwenY4SmIwbmFSZDN0U3ViN0RkIn0sInBhc3NwaHJhc2UiOnsia2RmIjoicGJrZGYyLXNoYTI1NiIsIml0ZXJhdGlv' +
    'bnMiOjEwMDAsInNhbHQiOiI1ZTlCUHVXQk80VTNpNkVrLUZPNndnIiwiY2hlY2siOiJ4MElmMUpOMkdmMEdTSXd2SDJX' +
    'el9BIiwiaXYiOiJWZmMxQWlFbUd4ZTYtUlQ4IiwiY3QiOiJVS3lLOEdjcGhzZjNNRnhVaV9CN0FSMUFGRFM1ZWdjdWRs' +
    'ZjluYl9FdHRYN25IYW82YkVIUVRpVENpYjBhU25kIn19fQ',
};
const { master, recoveryKey, document } = V1;

describe('version 1 key documents', () => {
  it('is the version 1 format', () => {
    const json = decode(document);
    expect(json.v).toBe(1);
    expect(Object.keys(json).sort()).toEqual(['epoch', 'fingerprint', 'tokenRoot', 'v', 'wraps']);
  });

  it('unlocks with the recovery key and the passphrase; previous is empty, no K_auth', async () => {
    for (const secret of [{ recoveryKey }, { passphrase: PASSPHRASE }]) {
      const unlocked = await unlockKeyDocument(document, ACCOUNT, secret, FAST);
      expect(unlocked.master).toEqual(master);
      expect(unlocked.epoch).toBe(1);
      expect(unlocked.fingerprint).toBe(V1.fingerprint);
      expect(unlocked.tokenRoot).toEqual(await deriveTokenRoot(master, ACCOUNT));
      expect(unlocked.previous).toEqual([]);
      expect(unlocked.authKey).toBeNull();
    }
    await expectCode(
      () => unlockKeyDocument(document, ACCOUNT, { recoveryKey: generateRecoveryKey() }, FAST),
      'wrong_secret',
    );
  });

  it('still refuses tampering and the 1000-iteration wrap without the test option', async () => {
    for (const change of [
      (j: Json) => (j.wraps.recovery.ct = flipFirstByte(j.wraps.recovery.ct)),
      (j: Json) => (j.tokenRoot.ct = flipFirstByte(j.tokenRoot.ct)),
      (j: Json) => (j.mac = j.fingerprint),
    ]) {
      await expectCode(
        () => unlockKeyDocument(edit(document, change), ACCOUNT, { recoveryKey }, FAST),
        'key_document_invalid',
      );
    }
    await expectCode(
      () => unlockKeyDocument(document, ACCOUNT, { recoveryKey }),
      'key_document_invalid',
    );
  });

  it('inspects with the master key, and tells a foreign master apart', async () => {
    const inspected = await inspectKeyDocument(document, ACCOUNT, master, FAST);
    expect(inspected).toMatchObject({ version: 1, epoch: 1, devices: [], previous: [] });
    await expectCode(
      () => inspectKeyDocument(document, ACCOUNT, generateMasterKey(), FAST),
      'wrong_key',
    );
  });

  it('has no device recipients: opening as a device and adding one are refused', async () => {
    const device = await generateDeviceKeyPair();
    await expectCode(
      () =>
        openKeyDocumentAsDevice(
          document,
          ACCOUNT,
          { deviceId: 'd1', privateKey: device.privateKey, authKey: generateMasterKey() },
          FAST,
        ),
      'not_a_recipient',
    );
    await expectCode(
      () =>
        addDeviceRecipient(document, {
          accountId: ACCOUNT,
          master,
          deviceId: 'd1',
          publicKey: device.publicKey,
          ...FAST,
        }),
      'key_document_upgrade_needed',
    );
  });

  it('rewraps in place and stays version 1', async () => {
    const newKey = generateRecoveryKey();
    const rewrapped = await rewrapKeyDocument(document, {
      master,
      accountId: ACCOUNT,
      recoveryKey: newKey,
      passphrase: null,
      ...FAST,
    });
    const json = decode(rewrapped);
    expect(json.v).toBe(1);
    expect(json.wraps.passphrase).toBeUndefined();
    expect(json.tokenRoot).toEqual(decode(document).tokenRoot);
    expect(
      (await unlockKeyDocument(rewrapped, ACCOUNT, { recoveryKey: newKey }, FAST)).master,
    ).toEqual(master);
    await expectCode(
      () => unlockKeyDocument(rewrapped, ACCOUNT, { recoveryKey }, FAST),
      'wrong_secret',
    );
  });
});

describe('rotating a version 1 key document', () => {
  it('needs a new recovery key', async () => {
    await expectCode(
      () =>
        rotateKeyDocument(document, {
          accountId: ACCOUNT,
          master,
          newMaster: generateMasterKey(),
          keepDevices: [],
          ...FAST,
        }),
      'key_document_upgrade_needed',
    );
  });

  it('upgrades to version 2: the new recovery key opens the new epoch and the old master', async () => {
    const newMaster = generateMasterKey();
    const newKey = generateRecoveryKey();
    const rotated = await rotateKeyDocument(document, {
      accountId: ACCOUNT,
      master,
      newMaster,
      keepDevices: [],
      recoveryKey: newKey,
      ...FAST,
    });
    expect(rotated.epoch).toBe(2);
    expect(rotated.fingerprint).toBe(await fingerprintOf(newMaster, ACCOUNT, 2));
    const json = decode(rotated.document);
    expect(json.v).toBe(2);
    // The v1 passphrase wrap sealed the old master directly: it is dropped, not carried over.
    expect(json.wraps.passphrase).toBeUndefined();
    const unlocked = await unlockKeyDocument(
      rotated.document,
      ACCOUNT,
      { recoveryKey: newKey },
      FAST,
    );
    expect(unlocked.master).toEqual(newMaster);
    expect(unlocked.epoch).toBe(2);
    expect(unlocked.tokenRoot).toEqual(await deriveTokenRoot(master, ACCOUNT));
    expect(unlocked.previous).toEqual([{ epoch: 1, master, fingerprint: V1.fingerprint }]);
    // Version 1 had no mac and no K_auth: the upgrade creates the account's first one.
    expect(unlocked.authKey).toBeInstanceOf(Uint8Array);
    expect(unlocked.authKey?.length).toBe(32);
    expect((await inspectKeyDocument(rotated.document, ACCOUNT, newMaster, FAST)).authKey).toEqual(
      unlocked.authKey,
    );
    await expectCode(
      () => unlockKeyDocument(rotated.document, ACCOUNT, { recoveryKey }, FAST),
      'wrong_secret',
    );
    await expectCode(
      () => unlockKeyDocument(rotated.document, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'wrong_secret',
    );
  });

  it('carries a passphrase over only when given again', async () => {
    const newMaster = generateMasterKey();
    const rotated = await rotateKeyDocument(document, {
      accountId: ACCOUNT,
      master,
      newMaster,
      keepDevices: [],
      recoveryKey: generateRecoveryKey(),
      passphrase: PASSPHRASE,
      ...FAST,
    });
    const unlocked = await unlockKeyDocument(
      rotated.document,
      ACCOUNT,
      { passphrase: PASSPHRASE },
      FAST,
    );
    expect(unlocked.master).toEqual(newMaster);
  });

  it('refuses a master key that is not the document’s, and devices it cannot keep', async () => {
    const base = { accountId: ACCOUNT, newMaster: generateMasterKey(), recoveryKey, ...FAST };
    await expectCode(
      () => rotateKeyDocument(document, { ...base, master: generateMasterKey(), keepDevices: [] }),
      'wrong_key',
    );
    await expectCode(
      () => rotateKeyDocument(document, { ...base, master, keepDevices: ['d1'] }),
      'invalid_argument',
    );
  });
});
