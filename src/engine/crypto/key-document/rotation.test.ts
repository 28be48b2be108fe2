/**
 * Version 2 device recipients, rotation after revoking a device, and the MAC (keyed by the
 * document-authentication key K_auth) that keeps the server, which holds neither a master key
 * nor K_auth, from adding, dropping or swapping anything, or forging a whole document.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { expectCode } from '../expect-code.test-helper';
import {
  addDeviceRecipient,
  collectionToken,
  createKeyDocument,
  type DeviceKeyPair,
  deriveAccountKeys,
  deriveTokenRoot,
  fingerprintOf,
  generateDeviceKeyPair,
  generateMasterKey,
  generateRecoveryKey,
  inspectKeyDocument,
  type KeySecret,
  openKeyDocumentAsDevice,
  rewrapKeyDocument,
  rotateKeyDocument,
  unlockKeyDocument,
} from '../index';
import { buildKeyDocument } from './build-open';
import {
  ACCOUNT,
  decode,
  edit,
  encode,
  FAST,
  flipFirstByte,
  type Json,
  PASSPHRASE,
} from './key-document.test-helper';
import { signKeyDocument } from './mac';
import { sealToRecipient } from './recipients';

let master1: Uint8Array;
let master2: Uint8Array;
let recoveryKey: string;
let laptop: DeviceKeyPair;
let phone: DeviceKeyPair;
let lost: DeviceKeyPair;
/** Epoch 1 with the three devices added. */
let epoch1: string;
/** Epoch 2 after revoking `lost`. */
let epoch2: string;
/** The account's K_auth, as every device pinned it when it first got the key. */
let authKey: Uint8Array;

async function withDevice(document: string, master: Uint8Array, id: string, pair: DeviceKeyPair) {
  return addDeviceRecipient(document, {
    accountId: ACCOUNT,
    master,
    deviceId: id,
    publicKey: pair.publicKey,
    ...FAST,
  });
}

function asDevice(document: string, id: string, pair: DeviceKeyPair, pinned = authKey) {
  return openKeyDocumentAsDevice(
    document,
    ACCOUNT,
    { deviceId: id, privateKey: pair.privateKey, authKey: pinned },
    FAST,
  );
}

const SECRETS: () => KeySecret[] = () => [{ recoveryKey }, { passphrase: PASSPHRASE }];

beforeAll(async () => {
  master1 = generateMasterKey();
  master2 = generateMasterKey();
  recoveryKey = generateRecoveryKey();
  [laptop, phone, lost] = await Promise.all([
    generateDeviceKeyPair(),
    generateDeviceKeyPair(),
    generateDeviceKeyPair(),
  ]);
  let document = (
    await createKeyDocument({
      master: master1,
      accountId: ACCOUNT,
      epoch: 1,
      recoveryKey,
      passphrase: PASSPHRASE,
      ...FAST,
    })
  ).document;
  authKey = (await inspectKeyDocument(document, ACCOUNT, master1, FAST)).authKey as Uint8Array;
  document = await withDevice(document, master1, 'laptop', laptop);
  document = await withDevice(document, master1, 'phone', phone);
  epoch1 = await withDevice(document, master1, 'lost', lost);
  ({ document: epoch2 } = await rotateKeyDocument(epoch1, {
    accountId: ACCOUNT,
    master: master1,
    newMaster: master2,
    keepDevices: ['laptop', 'phone'],
    ...FAST,
  }));
});

describe('device recipients', () => {
  it('generates P-256 key pairs: a raw public point and a PKCS8 private key', async () => {
    expect(laptop.publicKey).toMatch(/^[\w-]{87}$/);
    expect(laptop.privateKey).toBeInstanceOf(Uint8Array);
    expect(laptop.privateKey.length).toBe(138);
    expect(phone.publicKey).not.toBe(laptop.publicKey);
  });

  it('adds a device: it opens the epoch; nothing else changes', async () => {
    const before = await createKeyDocument({
      master: master1,
      accountId: ACCOUNT,
      epoch: 1,
      recoveryKey,
      ...FAST,
    });
    const after = await withDevice(before.document, master1, 'laptop', laptop);
    // Another document, so another K_auth: the device pins this one.
    const pinned = (await inspectKeyDocument(before.document, ACCOUNT, master1, FAST)).authKey;
    const opened = await asDevice(after, 'laptop', laptop, pinned as Uint8Array);
    expect(opened.authKey).toEqual(pinned);
    await expectCode(() => asDevice(after, 'laptop', laptop), 'key_document_invalid');
    expect(opened.master).toEqual(master1);
    expect(opened.epoch).toBe(1);
    expect(opened.fingerprint).toBe(before.fingerprint);
    expect(opened.tokenRoot).toEqual(await deriveTokenRoot(master1, ACCOUNT));
    expect(opened.previous).toEqual([]);
    const [a, b] = [decode(before.document), decode(after)];
    expect(b.recipients['device:laptop'].pub).toBe(laptop.publicKey);
    const { mac: macA, recipients: recA, ...restA } = a;
    const {
      mac: macB,
      recipients: { 'device:laptop': _added, ...recB },
      ...restB
    } = b;
    expect(restB).toEqual(restA);
    expect(recB).toEqual(recA);
    expect(macB).not.toBe(macA);
    expect((await inspectKeyDocument(after, ACCOUNT, master1, FAST)).devices).toEqual(['laptop']);
  });

  it('replaces a device’s entry when it is added again with a new key', async () => {
    const replacement = await generateDeviceKeyPair();
    const document = await withDevice(epoch1, master1, 'laptop', replacement);
    expect((await asDevice(document, 'laptop', replacement)).master).toEqual(master1);
    await expectCode(() => asDevice(document, 'laptop', laptop), 'wrong_key');
    expect((await inspectKeyDocument(document, ACCOUNT, master1, FAST)).devices.sort()).toEqual([
      'laptop',
      'lost',
      'phone',
    ]);
  });

  it('refuses a private key that is not the device’s, and an unknown device', async () => {
    await expectCode(() => asDevice(epoch1, 'laptop', phone), 'wrong_key');
    await expectCode(() => asDevice(epoch1, 'tablet', laptop), 'not_a_recipient');
    await expectCode(
      () =>
        openKeyDocumentAsDevice(
          epoch1,
          ACCOUNT,
          { deviceId: 'laptop', privateKey: new Uint8Array(138), authKey },
          FAST,
        ),
      'invalid_argument',
    );
    await expectCode(
      () =>
        openKeyDocumentAsDevice(
          epoch1,
          'acct-other',
          {
            deviceId: 'laptop',
            privateKey: laptop.privateKey,
            authKey,
          },
          FAST,
        ),
      'key_document_invalid',
    );
  });

  it('refuses to add a device with a bad public key, a bad id or a foreign master', async () => {
    const base = { accountId: ACCOUNT, master: master1, deviceId: 'tablet', ...FAST };
    for (const publicKey of ['', 'AAAA', laptop.publicKey.replace(/^./, 'A')]) {
      await expectCode(
        () => addDeviceRecipient(epoch1, { ...base, publicKey }),
        'invalid_argument',
      );
    }
    await expectCode(
      () => addDeviceRecipient(epoch1, { ...base, deviceId: '', publicKey: laptop.publicKey }),
      'invalid_argument',
    );
    await expectCode(
      () =>
        addDeviceRecipient(epoch1, {
          ...base,
          master: generateMasterKey(),
          publicKey: laptop.publicKey,
        }),
      'wrong_key',
    );
  });
});

describe('rotateKeyDocument', () => {
  it('moves to the next epoch; recovery key and passphrase open it, with the old master', async () => {
    for (const secret of SECRETS()) {
      const unlocked = await unlockKeyDocument(epoch2, ACCOUNT, secret, FAST);
      expect(unlocked.master).toEqual(master2);
      expect(unlocked.epoch).toBe(2);
      expect(unlocked.fingerprint).toBe(await fingerprintOf(master2, ACCOUNT, 2));
      expect(unlocked.previous).toEqual([
        { epoch: 1, master: master1, fingerprint: await fingerprintOf(master1, ACCOUNT, 1) },
      ]);
      expect(unlocked.tokenRoot).toEqual(await deriveTokenRoot(master1, ACCOUNT));
    }
  });

  it('keeps the secret wraps byte for byte and reseals the new master to them', () => {
    const [a, b] = [decode(epoch1), decode(epoch2)];
    expect(b.wraps).toEqual(a.wraps);
    expect(b.recipients.recovery).not.toEqual(a.recipients.recovery);
  });

  it('opens for kept devices; a device left out gets not_a_recipient', async () => {
    for (const [id, pair] of [
      ['laptop', laptop],
      ['phone', phone],
    ] as const) {
      const opened = await asDevice(epoch2, id, pair);
      expect(opened.master).toEqual(master2);
      expect(opened.previous.map((p) => p.master)).toEqual([master1]);
    }
    await expectCode(() => asDevice(epoch2, 'lost', lost), 'not_a_recipient');
    expect((await inspectKeyDocument(epoch2, ACCOUNT, master2, FAST)).devices.sort()).toEqual([
      'laptop',
      'phone',
    ]);
  });

  it('gives the revoked device’s old master no way in', async () => {
    // The lost device holds master1 and its own private key: neither opens epoch 2.
    await expectCode(() => inspectKeyDocument(epoch2, ACCOUNT, master1, FAST), 'wrong_key');
    await expectCode(() => withDevice(epoch2, master1, 'lost', lost), 'wrong_key');
    await expectCode(
      () =>
        rotateKeyDocument(epoch2, {
          accountId: ACCOUNT,
          master: master1,
          newMaster: generateMasterKey(),
          keepDevices: [],
          ...FAST,
        }),
      'wrong_key',
    );
    await expectCode(
      () => rewrapKeyDocument(epoch2, { accountId: ACCOUNT, master: master1, ...FAST }),
      'wrong_key',
    );
    // Re-adding itself with an entry sealed to the old master: the mac and fingerprint refuse it.
    const json = decode(epoch2);
    const forged = edit(epoch2, (j) => {
      j.recipients['device:lost'] = decode(epoch1).recipients['device:lost'];
    });
    expect(json.recipients['device:lost']).toBeUndefined();
    await expectCode(() => asDevice(forged, 'lost', lost), 'key_document_invalid');
    // Epoch 2's tokens stay those of epoch 1 (token root carried over).
    const keys2 = await deriveAccountKeys(master2, ACCOUNT, 2, {
      tokenRoot: (await unlockKeyDocument(epoch2, ACCOUNT, { recoveryKey }, FAST)).tokenRoot,
    });
    const keys1 = await deriveAccountKeys(master1, ACCOUNT, 1);
    expect(await collectionToken(keys2, 'profiles')).toBe(await collectionToken(keys1, 'profiles'));
  });

  it('chains epochs: previous lists every earlier master, newest first', async () => {
    const master3 = generateMasterKey();
    const rotated = await rotateKeyDocument(epoch2, {
      accountId: ACCOUNT,
      master: master2,
      newMaster: master3,
      keepDevices: ['phone'],
      ...FAST,
    });
    expect(rotated.epoch).toBe(3);
    const opened = await asDevice(rotated.document, 'phone', phone);
    expect(opened.master).toEqual(master3);
    expect(opened.previous.map((p) => [p.epoch, p.master])).toEqual([
      [2, master2],
      [1, master1],
    ]);
    await expectCode(() => asDevice(rotated.document, 'laptop', laptop), 'not_a_recipient');
  });

  it('replaces the recovery key and the passphrase when asked; null removes the passphrase', async () => {
    const newKey = generateRecoveryKey();
    const base = { accountId: ACCOUNT, master: master2, keepDevices: ['laptop'], ...FAST };
    const replaced = await rotateKeyDocument(epoch2, {
      ...base,
      newMaster: generateMasterKey(),
      recoveryKey: newKey,
      passphrase: 'a brand new passphrase here',
    });
    await expectCode(
      () => unlockKeyDocument(replaced.document, ACCOUNT, { recoveryKey }, FAST),
      'wrong_secret',
    );
    await expectCode(
      () => unlockKeyDocument(replaced.document, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'wrong_secret',
    );
    const withNew = await unlockKeyDocument(
      replaced.document,
      ACCOUNT,
      { recoveryKey: newKey },
      FAST,
    );
    expect(withNew.epoch).toBe(3);
    const unlocked = await unlockKeyDocument(
      replaced.document,
      ACCOUNT,
      { passphrase: 'a brand new passphrase here' },
      FAST,
    );
    expect(unlocked.master).toEqual(withNew.master);

    const removed = await rotateKeyDocument(epoch2, {
      ...base,
      newMaster: generateMasterKey(),
      passphrase: null,
    });
    const json = decode(removed.document);
    expect(json.wraps.passphrase).toBeUndefined();
    expect(json.recipients.passphrase).toBeUndefined();
    await expectCode(
      () => unlockKeyDocument(removed.document, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'wrong_secret',
    );
  });

  it('refuses to keep a device it has no entry for, and bad arguments', async () => {
    const base = { accountId: ACCOUNT, master: master2, newMaster: generateMasterKey(), ...FAST };
    const error = await expectCode(
      () => rotateKeyDocument(epoch2, { ...base, keepDevices: ['lost'] }),
      'invalid_argument',
    );
    expect(error.message).toContain('lost');
    await expectCode(
      () => rotateKeyDocument(epoch2, { ...base, newMaster: master2, keepDevices: [] }),
      'invalid_argument',
    );
    await expectCode(
      () => rotateKeyDocument(epoch2, { ...base, keepDevices: [], passphrase: 'short' }),
      'weak_passphrase',
    );
  });
});

describe('rewrapKeyDocument (version 2)', () => {
  it('keeps device recipients and previous epochs byte for byte', async () => {
    const newKey = generateRecoveryKey();
    const rewrapped = await rewrapKeyDocument(epoch2, {
      accountId: ACCOUNT,
      master: master2,
      recoveryKey: newKey,
      passphrase: null,
      ...FAST,
    });
    const [a, b] = [decode(epoch2), decode(rewrapped)];
    expect(b.epoch).toBe(2);
    expect(b.previous).toEqual(a.previous);
    expect(b.tokenRoot).toEqual(a.tokenRoot);
    expect(b.recipients['device:laptop']).toEqual(a.recipients['device:laptop']);
    expect(b.recipients['device:phone']).toEqual(a.recipients['device:phone']);
    expect(Object.keys(b.recipients).sort()).toEqual(['device:laptop', 'device:phone', 'recovery']);
    expect(b.wraps.recovery.pub).not.toBe(a.wraps.recovery.pub);
    const unlocked = await unlockKeyDocument(rewrapped, ACCOUNT, { recoveryKey: newKey }, FAST);
    expect(unlocked.master).toEqual(master2);
    expect(unlocked.previous.map((p) => p.master)).toEqual([master1]);
    await expectCode(
      () => unlockKeyDocument(rewrapped, ACCOUNT, { recoveryKey }, FAST),
      'wrong_secret',
    );
    expect((await asDevice(rewrapped, 'phone', phone)).master).toEqual(master2);
  });
});

describe('the mac refuses what a server could do without the master key', () => {
  /** Every way in must refuse the altered document. */
  async function expectRefused(altered: string) {
    for (const secret of SECRETS()) {
      await expectCode(
        () => unlockKeyDocument(altered, ACCOUNT, secret, FAST),
        'key_document_invalid',
      );
    }
    await expectCode(() => asDevice(altered, 'laptop', laptop), 'key_document_invalid');
    await expectCode(
      () => inspectKeyDocument(altered, ACCOUNT, master2, FAST),
      'key_document_invalid',
    );
  }

  it('adding a device recipient (its own key, sealing a master it chose)', async () => {
    const evil = await generateDeviceKeyPair();
    const json = decode(epoch2);
    const sealed = await sealToRecipient(evil.publicKey, generateMasterKey(), {
      accountId: ACCOUNT,
      epoch: 2,
      fingerprint: json.fingerprint,
      name: 'device:evil',
    });
    const added = edit(epoch2, (j) => {
      j.recipients['device:evil'] = { pub: evil.publicKey, ...sealed };
    });
    await expectRefused(added);
    await expectCode(() => asDevice(added, 'evil', evil), 'key_document_invalid');
    // A copy of a real entry under another name does not open either (the name is bound).
    const copied = edit(epoch2, (j) => {
      j.recipients['device:evil'] = { ...j.recipients['device:laptop'] };
    });
    await expectRefused(copied);
  });

  it('removing a device recipient', async () => {
    await expectRefused(
      edit(epoch2, (j) => {
        delete j.recipients['device:phone'];
      }),
    );
  });

  // A master holder told of another epoch hears wrong_key: its master is not that epoch's.
  const changes: Array<[string, (j: Json) => void, ('key_document_invalid' | 'wrong_key')?]> = [
    ['removing previous', (j) => (j.previous = [])],
    ['altering previous', (j) => (j.previous[0].ct = flipFirstByte(j.previous[0].ct))],
    ['relabelling previous', (j) => (j.previous[0].fingerprint = j.fingerprint)],
    [
      'moving previous to another epoch',
      (j) => {
        j.previous[0].epoch = 2;
        j.epoch = 3;
      },
      'wrong_key',
    ],
    ['swapping the epoch', (j) => (j.epoch = 3), 'wrong_key'],
    [
      'swapping in another recovery entry',
      (j) => (j.recipients.recovery = j.recipients.passphrase),
    ],
    [
      'replacing a device entry',
      (j) => (j.recipients['device:laptop'] = j.recipients['device:phone']),
    ],
    [
      'swapping a wrap',
      (j) => (j.wraps.passphrase = { ...j.wraps.passphrase, iv: j.wraps.recovery.iv }),
    ],
    ['dropping the passphrase', (j) => delete j.wraps.passphrase && delete j.recipients.passphrase],
    ['flipping the mac', (j) => (j.mac = flipFirstByte(j.mac))],
  ];
  for (const [what, change, inspectCode = 'key_document_invalid'] of changes) {
    it(what, async () => {
      const altered = edit(epoch2, change);
      await expectCode(
        () => unlockKeyDocument(altered, ACCOUNT, { recoveryKey }, FAST),
        'key_document_invalid',
      );
      await expectCode(() => asDevice(altered, 'phone', phone), 'key_document_invalid');
      await expectCode(() => inspectKeyDocument(altered, ACCOUNT, master2, FAST), inspectCode);
    });
  }

  it('replacing a device entry with a seal of a master the server chose', async () => {
    const json = decode(epoch2);
    const sealed = await sealToRecipient(laptop.publicKey, generateMasterKey(), {
      accountId: ACCOUNT,
      epoch: 2,
      fingerprint: json.fingerprint,
      name: 'device:laptop',
    });
    const altered = edit(epoch2, (j) => {
      j.recipients['device:laptop'] = { pub: laptop.publicKey, ...sealed };
    });
    await expectCode(() => asDevice(altered, 'laptop', laptop), 'key_document_invalid');
    await expectRefused(
      edit(epoch2, (j) => {
        j.previous = decode(epoch1).previous;
      }),
    );
  });

  it('rolling previous epochs out of order is refused by validation', async () => {
    const master3 = generateMasterKey();
    const { document } = await rotateKeyDocument(epoch2, {
      accountId: ACCOUNT,
      master: master2,
      newMaster: master3,
      keepDevices: [],
      ...FAST,
    });
    const error = await expectCode(
      () =>
        unlockKeyDocument(
          edit(document, (j) => j.previous.reverse()),
          ACCOUNT,
          { recoveryKey },
          FAST,
        ),
      'key_document_invalid',
    );
    expect(error.message).toMatch(/previous\.\d\.epoch must be below/);
  });
});

describe('the document-authentication key K_auth', () => {
  /**
   * What a malicious server can build from a genuine document alone: a master of its own, sealed
   * to the real (public) recipient keys, the wraps kept byte for byte, a token root and K_auth of
   * its choosing, and a mac under that K_auth.
   */
  async function forge(
    genuine: string,
    { forgedAuthKey = generateMasterKey(), epoch = decode(genuine).epoch + 1 } = {},
  ) {
    const json = decode(genuine);
    const devices = new Map<string, string>();
    for (const [name, entry] of Object.entries<Json>(json.recipients)) {
      if (name.startsWith('device:')) devices.set(name.slice('device:'.length), entry.pub);
    }
    const forgedMaster = generateMasterKey();
    const { doc } = await buildKeyDocument({
      master: forgedMaster,
      accountId: ACCOUNT,
      epoch,
      tokenRoot: generateMasterKey(),
      authKey: forgedAuthKey,
      wraps: json.wraps,
      devices,
      previous: [],
    });
    return { document: encode(doc), forgedMaster };
  }

  it('is 32 bytes, and every way in returns the same one', async () => {
    expect(authKey).toBeInstanceOf(Uint8Array);
    expect(authKey.length).toBe(32);
    for (const secret of SECRETS()) {
      expect((await unlockKeyDocument(epoch1, ACCOUNT, secret, FAST)).authKey).toEqual(authKey);
    }
    expect((await asDevice(epoch1, 'lost', lost)).authKey).toEqual(authKey);
    expect((await inspectKeyDocument(epoch1, ACCOUNT, master1, FAST)).authKey).toEqual(authKey);
    const other = await createKeyDocument({
      master: master1,
      accountId: ACCOUNT,
      epoch: 1,
      recoveryKey,
    });
    const otherKey = (await unlockKeyDocument(other.document, ACCOUNT, { recoveryKey })).authKey;
    expect(otherKey).not.toEqual(authKey);
    expect(decode(epoch1).authKey).toEqual({
      iv: expect.stringMatching(/^[\w-]{16}$/),
      ct: expect.stringMatching(/^[\w-]{64}$/),
    });
    const text = new TextDecoder().decode(fromBase64url(epoch1) as Uint8Array);
    expect(text).not.toContain(toBase64url(authKey));
  });

  it('refuses a document forged around a master the server chose', async () => {
    const { document: forged, forgedMaster } = await forge(epoch2);
    // The forgery is self-consistent: whoever holds its master finds nothing wrong with it.
    const inspected = await inspectKeyDocument(forged, ACCOUNT, forgedMaster, FAST);
    expect(inspected.epoch).toBe(3);
    expect(inspected.devices.sort()).toEqual(['laptop', 'phone']);
    expect(decode(forged).wraps).toEqual(decode(epoch2).wraps);
    // But the real K_auth, from the wraps or pinned by a device, does not verify its mac.
    for (const secret of SECRETS()) {
      await expectCode(
        () => unlockKeyDocument(forged, ACCOUNT, secret, FAST),
        'key_document_invalid',
      );
    }
    for (const [id, pair] of [
      ['laptop', laptop],
      ['phone', phone],
    ] as const) {
      await expectCode(() => asDevice(forged, id, pair), 'key_document_invalid');
    }
  });

  it('refuses a forgery that copies the genuine authKey field or keeps the epoch', async () => {
    const { document: forged } = await forge(epoch2);
    const copied = edit(forged, (j) => {
      j.authKey = decode(epoch2).authKey;
    });
    await expectCode(
      () => unlockKeyDocument(copied, ACCOUNT, { recoveryKey }, FAST),
      'key_document_invalid',
    );
    await expectCode(() => asDevice(copied, 'laptop', laptop), 'key_document_invalid');
    const sameEpoch = edit((await forge(epoch2, { epoch: 2 })).document, (j) => {
      j.mac = decode(epoch2).mac;
    });
    await expectCode(
      () => unlockKeyDocument(sameEpoch, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'key_document_invalid',
    );
  });

  it('refuses a master that seals another K_auth, even under a mac that verifies', async () => {
    // Only a holder of K_auth can make such a document; the check still ties master to K_auth.
    const { document: forged } = await forge(epoch2);
    const { mac: _mac, ...unsigned } = decode(forged);
    const resigned = encode(await signKeyDocument(authKey, ACCOUNT, unsigned as never));
    await expectCode(
      () => unlockKeyDocument(resigned, ACCOUNT, { recoveryKey }, FAST),
      'key_document_invalid',
    );
    await expectCode(() => asDevice(resigned, 'laptop', laptop), 'key_document_invalid');
  });

  it('opens a device’s document only under the K_auth it pinned', async () => {
    await expectCode(
      () => asDevice(epoch2, 'laptop', laptop, generateMasterKey()),
      'key_document_invalid',
    );
    await expectCode(
      () => asDevice(epoch2, 'laptop', laptop, new Uint8Array(31)),
      'invalid_argument',
    );
    await expectCode(
      () =>
        openKeyDocumentAsDevice(
          epoch2,
          ACCOUNT,
          { deviceId: 'laptop', privateKey: laptop.privateKey } as never,
          FAST,
        ),
      'invalid_argument',
    );
    const opened = await asDevice(epoch2, 'laptop', laptop);
    expect(opened.master).toEqual(master2);
    // K_auth rotated with epoch 2: the pinned epoch-1 key led to it through the transition tag.
    const auth2 = (await inspectKeyDocument(epoch2, ACCOUNT, master2, FAST)).authKey;
    expect(auth2).not.toEqual(authKey);
    expect(opened.authKey).toEqual(auth2);
    expect((await asDevice(epoch2, 'laptop', laptop, auth2)).authKey).toEqual(auth2);
  });

  it('stays the same through addDeviceRecipient and rewrap, and rotates with each epoch', async () => {
    const auth2 = (await inspectKeyDocument(epoch2, ACCOUNT, master2, FAST)).authKey;
    expect(auth2).not.toEqual(authKey);
    const tablet = await generateDeviceKeyPair();
    const added = await withDevice(epoch2, master2, 'tablet', tablet);
    expect((await asDevice(added, 'tablet', tablet)).authKey).toEqual(auth2);
    expect((await inspectKeyDocument(epoch2, ACCOUNT, master2, FAST)).authKey).toEqual(auth2);
    for (const secret of SECRETS()) {
      expect((await unlockKeyDocument(epoch2, ACCOUNT, secret, FAST)).authKey).toEqual(auth2);
    }

    const newKey = generateRecoveryKey();
    const newPassphrase = 'a brand new passphrase here';
    const rewrapped = await rewrapKeyDocument(added, {
      accountId: ACCOUNT,
      master: master2,
      recoveryKey: newKey,
      passphrase: newPassphrase,
      ...FAST,
    });
    for (const secret of [{ recoveryKey: newKey }, { passphrase: newPassphrase }]) {
      expect((await unlockKeyDocument(rewrapped, ACCOUNT, secret, FAST)).authKey).toEqual(auth2);
    }
    expect((await asDevice(rewrapped, 'tablet', tablet)).authKey).toEqual(auth2);

    // A rotation makes a new K_auth, reached from the old one through the transition tag.
    const master3 = generateMasterKey();
    const rotated = await rotateKeyDocument(rewrapped, {
      accountId: ACCOUNT,
      master: master2,
      newMaster: master3,
      keepDevices: ['tablet'],
      recoveryKey: generateRecoveryKey(),
      passphrase: PASSPHRASE,
      ...FAST,
    });
    expect(decode(rotated.document).authKey).not.toEqual(decode(rewrapped).authKey);
    const opened = await asDevice(rotated.document, 'tablet', tablet);
    expect(opened.master).toEqual(master3);
    expect(rotated.authKey).not.toEqual(auth2);
    expect(opened.authKey).toEqual(rotated.authKey);
    expect(
      (await unlockKeyDocument(rotated.document, ACCOUNT, { passphrase: PASSPHRASE }, FAST))
        .authKey,
    ).toEqual(rotated.authKey);
  });

  it('(known limit) whoever knows K_auth and can seal to the recipients can forge', async () => {
    // A revoked device knows K_auth: with the server's help its forgery is accepted.
    const { document: forged, forgedMaster } = await forge(epoch2, { forgedAuthKey: authKey });
    const opened = await asDevice(forged, 'laptop', laptop);
    expect(opened.master).toEqual(forgedMaster);
    expect((await unlockKeyDocument(forged, ACCOUNT, { recoveryKey }, FAST)).master).toEqual(
      forgedMaster,
    );
    // It cannot list the real epoch 2 among its previous epochs: callers that know it check that.
    expect(opened.previous).toEqual([]);
  });
});
