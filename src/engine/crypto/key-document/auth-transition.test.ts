/**
 * K_auth rotation: each rotation derives a new K_auth and adds a transition tag under the old
 * one; a device or a secret wrap holding any earlier K_auth walks the chain, and a document that
 * claims a new K_auth without a tag under the trusted one is refused.
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
  openKeyDocumentAsDevice,
  rotateKeyDocument,
  unlockKeyDocument,
  verifyKeyDocument,
} from '../index';
import { buildKeyDocument } from './build-open';
import { ACCOUNT, decode, edit, encode, FAST, PASSPHRASE } from './key-document.test-helper';

let recoveryKey: string;
let laptop: DeviceKeyPair;
let phone: DeviceKeyPair;
const masters: Uint8Array[] = [];
/** docs[i] is epoch i + 1; each rotation keeps both devices. */
const docs: string[] = [];
const authKeys: Uint8Array[] = [];

function asDevice(document: string, pinned: Uint8Array, pair = laptop, id = 'laptop') {
  return openKeyDocumentAsDevice(
    document,
    ACCOUNT,
    { deviceId: id, privateKey: pair.privateKey, authKey: pinned },
    FAST,
  );
}

beforeAll(async () => {
  recoveryKey = generateRecoveryKey();
  laptop = await generateDeviceKeyPair();
  phone = await generateDeviceKeyPair();
  masters.push(generateMasterKey());
  const created = await createKeyDocument({
    master: masters[0] as Uint8Array,
    accountId: ACCOUNT,
    epoch: 1,
    recoveryKey,
    passphrase: PASSPHRASE,
    ...FAST,
  });
  let doc = created.document;
  for (const [id, pair] of [
    ['laptop', laptop],
    ['phone', phone],
  ] as const) {
    doc = await addDeviceRecipient(doc, {
      accountId: ACCOUNT,
      master: masters[0] as Uint8Array,
      deviceId: id,
      publicKey: pair.publicKey,
      ...FAST,
    });
  }
  docs.push(doc);
  authKeys.push((await inspectKeyDocument(doc, ACCOUNT, masters[0] as Uint8Array, FAST)).authKey);
  for (let i = 1; i < 3; i++) {
    masters.push(generateMasterKey());
    const rotated = await rotateKeyDocument(docs[i - 1] as string, {
      accountId: ACCOUNT,
      master: masters[i - 1] as Uint8Array,
      newMaster: masters[i] as Uint8Array,
      keepDevices: ['laptop', 'phone'],
      ...FAST,
    });
    docs.push(rotated.document);
    authKeys.push(rotated.authKey);
  }
});

describe('K_auth rotation with transition tags', () => {
  it('makes a new K_auth per epoch and keeps every tag, newest first', () => {
    expect(new Set(authKeys.map((key) => key.join())).size).toBe(3);
    expect(
      decode(docs[2] as string).transitions.map((step: { epoch: number }) => step.epoch),
    ).toEqual([3, 2]);
  });

  it('leads a device pinned one rotation back, and one offline across two', async () => {
    const oneBack = await asDevice(docs[2] as string, authKeys[1] as Uint8Array);
    expect(oneBack.authKey).toEqual(authKeys[2]);
    const twoBack = await asDevice(docs[2] as string, authKeys[0] as Uint8Array);
    expect(twoBack.authKey).toEqual(authKeys[2]);
    expect(twoBack.master).toEqual(masters[2]);
  });

  it('unlocks with wraps sealed before the rotations, reaching the current K_auth', async () => {
    for (const secret of [{ recoveryKey }, { passphrase: PASSPHRASE }]) {
      const opened = await unlockKeyDocument(docs[2] as string, ACCOUNT, secret, FAST);
      expect(opened.authKey).toEqual(authKeys[2]);
    }
  });

  it('lets a left-out device verify the next epoch from its pinned K_auth alone', async () => {
    const verified = await verifyKeyDocument(
      docs[1] as string,
      ACCOUNT,
      authKeys[0] as Uint8Array,
      FAST,
    );
    expect(verified.epoch).toBe(2);
    expect(verified.devices.sort()).toEqual(['laptop', 'phone']);
    // Two rotations behind there is no tag under the pinned key for the current epoch.
    await expectCode(
      () => verifyKeyDocument(docs[2] as string, ACCOUNT, authKeys[0] as Uint8Array, FAST),
      'key_document_invalid',
    );
  });

  it('refuses a document that claims a new K_auth without a tag under the pinned one', async () => {
    // A forger who holds the real master of epoch 2 (a revoked device) but not a later K_auth
    // builds epoch 3 with a K_auth of its own and copies the genuine tags.
    const forgedMaster = generateMasterKey();
    const genuine = decode(docs[1] as string);
    const { doc } = await buildKeyDocument({
      master: forgedMaster,
      accountId: ACCOUNT,
      epoch: 3,
      tokenRoot: generateMasterKey(),
      authKey: generateMasterKey(),
      wraps: genuine.wraps,
      devices: new Map([['laptop', laptop.publicKey]]),
      previous: [{ epoch: 2, master: masters[1] as Uint8Array, fingerprint: genuine.fingerprint }],
      transitions: genuine.transitions,
    });
    const forged = encode(doc);
    await expectCode(() => asDevice(forged, authKeys[1] as Uint8Array), 'key_document_invalid');
    await expectCode(
      () => unlockKeyDocument(forged, ACCOUNT, { recoveryKey }, FAST),
      'key_document_invalid',
    );
    await expectCode(
      () => verifyKeyDocument(forged, ACCOUNT, authKeys[1] as Uint8Array, FAST),
      'key_document_invalid',
    );
  });

  it('refuses a tag that was altered, or a chain with a step removed', async () => {
    const altered = edit(docs[2] as string, (json) => {
      json.transitions[0].devices = json.transitions[1].devices.replace(/^./, 'A');
    });
    await expectCode(() => asDevice(altered, authKeys[1] as Uint8Array), 'key_document_invalid');
    const cut = edit(docs[2] as string, (json) => {
      json.transitions = [json.transitions[0]];
    });
    // The document's own mac covers the list: removing a step breaks it for everyone.
    await expectCode(() => asDevice(cut, authKeys[0] as Uint8Array), 'key_document_invalid');
    await expectCode(() => asDevice(cut, authKeys[2] as Uint8Array), 'key_document_invalid');
  });
});
