/**
 * Only the current key document version is read (../README.md, "Stored formats"). Version 1 never
 * shipped: a version 1 document is refused as `key_document_invalid` by every operation, and a
 * device that meets one keeps its own key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64url } from '../../../protocol/base64url';
import { expectCode } from '../expect-code.test-helper';
import {
  addDeviceRecipient,
  createKeyDocument,
  generateDeviceKeyPair,
  generateMasterKey,
  generateRecoveryKey,
  inspectKeyDocument,
  KEY_DOCUMENT_VERSION,
  openKeyDocumentAsDevice,
  rewrapKeyDocument,
  rotateKeyDocument,
  unlockKeyDocument,
} from '../index';
import { ACCOUNT, decode, edit, FAST, PASSPHRASE } from './key-document.test-helper';

// createKeyDocument({ master, accountId: 'acct-42', epoch: 1, recoveryKey, passphrase:
// PASSPHRASE, unsafeTestIterations: 1000 }) as of commit 1826ebe, the last to write version 1.
const V1 = {
  master: fromBase64url('I4Zyfy-3qNKqWfsxK9JnFDkSHA9xrWmQYUrFSzOT1l0') as Uint8Array,
  recoveryKey: '56X6-4VG8-K58W-T0SC-QQ85-48KW-C4DB',
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
const RETIRED = /\bv: version 1 is no longer read \(this app reads version 2\)/;

let master: Uint8Array;
let document: string;
const laptop = {
  deviceId: 'laptop',
  keys: null as Awaited<ReturnType<typeof generateDeviceKeyPair>> | null,
};
let pinned: Uint8Array;

beforeAll(async () => {
  master = generateMasterKey();
  const created = await createKeyDocument({
    master,
    accountId: ACCOUNT,
    epoch: 1,
    recoveryKey: generateRecoveryKey(),
    passphrase: PASSPHRASE,
    ...FAST,
  });
  laptop.keys = await generateDeviceKeyPair();
  document = await addDeviceRecipient(created.document, {
    accountId: ACCOUNT,
    master,
    deviceId: laptop.deviceId,
    publicKey: laptop.keys.publicKey,
    ...FAST,
  });
  pinned = (await inspectKeyDocument(document, ACCOUNT, master, FAST)).authKey;
});

describe('key document versions', () => {
  it('names the current version, and writes it', () => {
    expect(KEY_DOCUMENT_VERSION.Current).toBe(KEY_DOCUMENT_VERSION.V2);
    expect(decode(document).v).toBe(KEY_DOCUMENT_VERSION.Current);
  });

  it('refuses a stored version 1 document in every operation, naming the version', async () => {
    const { master: v1Master, recoveryKey, document: v1 } = V1;
    expect(decode(v1).v).toBe(1);
    const device = {
      deviceId: laptop.deviceId,
      privateKey: laptop.keys?.privateKey as Uint8Array,
      authKey: pinned,
    };
    const attempts: Array<() => Promise<unknown>> = [
      () => unlockKeyDocument(v1, ACCOUNT, { recoveryKey }, FAST),
      () => unlockKeyDocument(v1, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      () => openKeyDocumentAsDevice(v1, ACCOUNT, device, FAST),
      () => inspectKeyDocument(v1, ACCOUNT, v1Master, FAST),
      () =>
        addDeviceRecipient(v1, {
          accountId: ACCOUNT,
          master: v1Master,
          deviceId: laptop.deviceId,
          publicKey: laptop.keys?.publicKey as string,
          ...FAST,
        }),
      () =>
        rotateKeyDocument(v1, {
          accountId: ACCOUNT,
          master: v1Master,
          newMaster: generateMasterKey(),
          keepDevices: [],
          recoveryKey: generateRecoveryKey(),
          ...FAST,
        }),
      () =>
        rewrapKeyDocument(v1, {
          accountId: ACCOUNT,
          master: v1Master,
          recoveryKey: generateRecoveryKey(),
          ...FAST,
        }),
    ];
    for (const attempt of attempts) {
      const error = await expectCode(attempt, 'key_document_invalid');
      expect(error.message).toMatch(RETIRED);
    }
  });

  it('refuses a current document relabelled as version 1 the same way', async () => {
    const relabelled = edit(document, (j) => {
      j.v = 1;
    });
    const error = await expectCode(
      () => inspectKeyDocument(relabelled, ACCOUNT, master, FAST),
      'key_document_invalid',
    );
    expect(error.message).toMatch(RETIRED);
  });

  it('leaves the device its key: after the refusal it still opens the current document', async () => {
    const privateKey = Uint8Array.from(laptop.keys?.privateKey as Uint8Array);
    const authKey = Uint8Array.from(pinned);
    const device = { deviceId: laptop.deviceId, privateKey, authKey };
    await expectCode(
      () => openKeyDocumentAsDevice(V1.document, ACCOUNT, device, FAST),
      'key_document_invalid',
    );
    expect(privateKey).toEqual(laptop.keys?.privateKey);
    expect(authKey).toEqual(pinned);
    const opened = await openKeyDocumentAsDevice(document, ACCOUNT, device, FAST);
    expect(opened.master).toEqual(master);
    expect(opened.authKey).toEqual(pinned);
  });
});
