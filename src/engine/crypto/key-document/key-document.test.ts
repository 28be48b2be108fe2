import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyDocumentWrite } from '../../../protocol';
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { expectCode } from '../expect-code.test-helper';
import {
  collectionToken,
  createKeyDocument,
  deriveAccountKeys,
  deriveTokenRoot,
  fingerprintOf,
  generateMasterKey,
  generateRecoveryKey,
  KEY_DOCUMENT_VERSION,
  PBKDF2_MIN_ITERATIONS,
  rewrapKeyDocument,
  unlockKeyDocument,
} from '../index';
import {
  ACCOUNT,
  decode,
  edit,
  encode,
  FAST,
  flipFirstByte,
  freshDocument,
  type Json,
  PASSPHRASE,
  passphraseDocument,
} from './key-document.test-helper';

let master: Uint8Array;
let recoveryKey: string;
let document: string;
let fingerprint: string;

beforeAll(async () => {
  ({ master, recoveryKey, document, fingerprint } = await freshDocument(FAST));
});

describe('createKeyDocument', () => {
  it('produces what PUT /v1/keys accepts, with the fingerprint of the master key', async () => {
    expect(fingerprint).toBe(await fingerprintOf(master, ACCOUNT, 1));
    expect(
      v.is(KeyDocumentWrite, { key_document: document, key_fingerprint: fingerprint, epoch: 1 }),
    ).toBe(true);
    const json = decode(document);
    expect(Object.keys(json).sort()).toEqual([
      'authKey',
      'epoch',
      'fingerprint',
      'mac',
      'previous',
      'recipients',
      'tokenRoot',
      'v',
      'wraps',
    ]);
    expect(json.v).toBe(2);
    expect(json.v).toBe(KEY_DOCUMENT_VERSION.Current);
    expect(Object.keys(json.wraps).sort()).toEqual(['passphrase', 'recovery']);
    expect(json.wraps.passphrase.iterations).toBe(1000);
    expect(Object.keys(json.recipients).sort()).toEqual(['passphrase', 'recovery']);
    expect(json.previous).toEqual([]);
    // Each secret wrap names the recipient key it seals; recipients take it from there.
    expect(json.wraps.recovery.pub).toMatch(/^[\w-]{87}$/);
    expect(json.wraps.passphrase.pub).not.toBe(json.wraps.recovery.pub);
    expect(json.recipients.recovery.pub).toBeUndefined();
    expect(Object.keys(json.recipients.recovery).sort()).toEqual(['ct', 'eph', 'iv']);
  });

  it('gives every document fresh recipient keys and ephemeral keys', async () => {
    const again = await createKeyDocument({ master, accountId: ACCOUNT, epoch: 1, recoveryKey });
    const [a, b] = [decode(document), decode(again.document)];
    expect(b.wraps.recovery.pub).not.toBe(a.wraps.recovery.pub);
    expect(b.recipients.recovery.eph).not.toBe(a.recipients.recovery.eph);
    expect(again.fingerprint).toBe(fingerprint);
  });

  it('holds neither the master key nor the secrets in the clear', () => {
    const text = new TextDecoder().decode(fromBase64url(document) as Uint8Array);
    expect(text).not.toContain(toBase64url(master));
    expect(text).not.toContain(PASSPHRASE);
    expect(text.toUpperCase()).not.toContain(recoveryKey.split('-')[0]);
  });

  it('refuses empty and short passphrases as weak', async () => {
    for (const passphrase of ['', '   ', 'short', 'elevenchars']) {
      await expectCode(
        () => createKeyDocument({ master, accountId: ACCOUNT, epoch: 1, recoveryKey, passphrase }),
        'weak_passphrase',
      );
    }
  });

  it('refuses a malformed recovery key and bad arguments', async () => {
    const base = { master, accountId: ACCOUNT, epoch: 1, recoveryKey };
    await expectCode(
      () => createKeyDocument({ ...base, recoveryKey: recoveryKey.slice(0, -1) }),
      'invalid_recovery_key',
    );
    await expectCode(
      () => createKeyDocument({ ...base, master: new Uint8Array(31) }),
      'invalid_argument',
    );
    await expectCode(() => createKeyDocument({ ...base, epoch: 0 }), 'invalid_argument');
    await expectCode(
      () => createKeyDocument({ ...base, passphrase: PASSPHRASE, unsafeTestIterations: 0 }),
      'invalid_argument',
    );
  });
});

describe('unlockKeyDocument', () => {
  it('unlocks with the recovery key, typed loosely', async () => {
    const typed = recoveryKey.toLowerCase().replace(/-/g, ' ');
    const unlocked = await unlockKeyDocument(document, ACCOUNT, { recoveryKey: typed }, FAST);
    expect(unlocked.master).toEqual(master);
    expect(unlocked.epoch).toBe(1);
    expect(unlocked.fingerprint).toBe(fingerprint);
    expect(unlocked.tokenRoot).toEqual(await deriveTokenRoot(master, ACCOUNT));
    expect(unlocked.previous).toEqual([]);
    expect(unlocked.authKey).toBeInstanceOf(Uint8Array);
    expect(unlocked.authKey?.length).toBe(32);
  });

  it('unlocks with the passphrase (compared in Unicode NFC)', async () => {
    const unlocked = await unlockKeyDocument(document, ACCOUNT, { passphrase: PASSPHRASE }, FAST);
    expect(unlocked.master).toEqual(master);
    const viaRecovery = await unlockKeyDocument(document, ACCOUNT, { recoveryKey }, FAST);
    expect(unlocked.authKey).toEqual(viaRecovery.authKey);
    const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
    const created = await passphraseDocument(master, recoveryKey, FAST, composed);
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const again = await unlockKeyDocument(
      created.document,
      ACCOUNT,
      { passphrase: decomposed },
      FAST,
    );
    expect(again.master).toEqual(master);
  });

  it('says wrong_secret for another recovery key or passphrase, without echoing them', async () => {
    const otherKey = generateRecoveryKey();
    const e1 = await expectCode(
      () => unlockKeyDocument(document, ACCOUNT, { recoveryKey: otherKey }, FAST),
      'wrong_secret',
    );
    expect(e1.message).not.toContain(otherKey.split('-')[0]);
    const e2 = await expectCode(
      () => unlockKeyDocument(document, ACCOUNT, { passphrase: `${PASSPHRASE}!` }, FAST),
      'wrong_secret',
    );
    expect(e2.message).not.toContain(PASSPHRASE);
    await expectCode(
      () => unlockKeyDocument(document, ACCOUNT, { passphrase: '' }, FAST),
      'wrong_secret',
    );
  });

  it('says invalid_recovery_key for a mistyped key before any derivation', async () => {
    const compact = recoveryKey.replace(/-/g, '');
    const typo = (compact[0] === 'A' ? 'B' : 'A') + compact.slice(1);
    await expectCode(
      () => unlockKeyDocument(document, ACCOUNT, { recoveryKey: typo }, FAST),
      'invalid_recovery_key',
    );
  });

  it('says wrong_secret when asked for a passphrase the document does not have', async () => {
    const { document: noPassphrase } = await createKeyDocument({
      master,
      accountId: ACCOUNT,
      epoch: 1,
      recoveryKey,
    });
    expect(decode(noPassphrase).wraps.passphrase).toBeUndefined();
    const error = await expectCode(
      () => unlockKeyDocument(noPassphrase, ACCOUNT, { passphrase: PASSPHRASE }),
      'wrong_secret',
    );
    expect(error.message).toMatch(/recovery key/);
  });

  it('refuses the document of another account', async () => {
    await expectCode(
      () => unlockKeyDocument(document, 'acct-other', { recoveryKey }, FAST),
      'key_document_invalid',
    );
  });
});

describe('PBKDF2 iteration floor', () => {
  // New wraps are Argon2id now (argon2id-wrap.test.ts); a PBKDF2 document at the floor, as
  // devices wrote before, still unlocks without any option.
  it('a 600,000-iteration PBKDF2 document unlocks without any option', async () => {
    expect(PBKDF2_MIN_ITERATIONS).toBe(600_000);
    const created = await passphraseDocument(master, recoveryKey, {
      unsafeTestIterations: PBKDF2_MIN_ITERATIONS,
    });
    expect(decode(created.document).wraps.passphrase.kdf).toBe('pbkdf2-sha256');
    expect(decode(created.document).wraps.passphrase.iterations).toBe(600_000);
    const unlocked = await unlockKeyDocument(created.document, ACCOUNT, { passphrase: PASSPHRASE });
    expect(unlocked.master).toEqual(master);
  });

  it('refuses a document below the floor unless the same test option is passed', async () => {
    for (const secret of [{ passphrase: PASSPHRASE }, { recoveryKey }]) {
      const error = await expectCode(
        () => unlockKeyDocument(document, ACCOUNT, secret),
        'key_document_invalid',
      );
      expect(error.message).toContain('1000');
      expect(error.message).toContain('600000');
    }
    // A test option only lowers the floor to its own value: 1001 still refuses 1000.
    await expectCode(
      () =>
        unlockKeyDocument(
          document,
          ACCOUNT,
          { passphrase: PASSPHRASE },
          { unsafeTestIterations: 1001 },
        ),
      'key_document_invalid',
    );
    await expectCode(
      () => rewrapKeyDocument(document, { master, accountId: ACCOUNT }),
      'key_document_invalid',
    );
  });

  it('refuses a document whose iteration count was lowered by the server', async () => {
    const lowered = edit(document, (json) => {
      json.wraps.passphrase.iterations = 999;
    });
    await expectCode(
      () =>
        unlockKeyDocument(
          lowered,
          ACCOUNT,
          { passphrase: PASSPHRASE },
          { unsafeTestIterations: 999 },
        ),
      'wrong_secret',
    );
  });

  it('refuses absurd iteration counts that would hang a device', async () => {
    const huge = edit(document, (json) => {
      json.wraps.passphrase.iterations = 2_000_000_000;
    });
    await expectCode(
      () => unlockKeyDocument(huge, ACCOUNT, { passphrase: PASSPHRASE }),
      'key_document_invalid',
    );
  });
});

describe('key document tampering', () => {
  const cases: Array<[string, (json: Json) => void]> = [
    ['recovery ciphertext', (j) => (j.wraps.recovery.ct = flipFirstByte(j.wraps.recovery.ct))],
    ['recovery IV', (j) => (j.wraps.recovery.iv = flipFirstByte(j.wraps.recovery.iv))],
    ['epoch', (j) => (j.epoch = 2)],
    ['fingerprint', (j) => (j.fingerprint = flipFirstByte(j.fingerprint))],
    ['token root', (j) => (j.tokenRoot.ct = flipFirstByte(j.tokenRoot.ct))],
    ['authentication key', (j) => (j.authKey.ct = flipFirstByte(j.authKey.ct))],
    ['authentication key IV', (j) => (j.authKey.iv = flipFirstByte(j.authKey.iv))],
    ['mac', (j) => (j.mac = flipFirstByte(j.mac))],
    [
      'recovery recipient',
      (j) => (j.recipients.recovery.ct = flipFirstByte(j.recipients.recovery.ct)),
    ],
    [
      'recovery recipient IV',
      (j) => (j.recipients.recovery.iv = flipFirstByte(j.recipients.recovery.iv)),
    ],
    ['recovery public key', (j) => (j.wraps.recovery.pub = j.wraps.passphrase.pub)],
    ['recipient ephemeral key', (j) => (j.recipients.recovery.eph = j.recipients.passphrase.eph)],
    [
      'recipients swapped',
      (j) =>
        ([j.recipients.recovery, j.recipients.passphrase] = [
          j.recipients.passphrase,
          j.recipients.recovery,
        ]),
    ],
  ];
  for (const [what, change] of cases) {
    it(`refuses an altered ${what} as key_document_invalid`, async () => {
      await expectCode(
        () => unlockKeyDocument(edit(document, change), ACCOUNT, { recoveryKey }, FAST),
        'key_document_invalid',
      );
    });
  }

  it('refuses an altered passphrase wrap as key_document_invalid', async () => {
    const altered = edit(document, (j) => {
      j.wraps.passphrase.ct = flipFirstByte(j.wraps.passphrase.ct);
    });
    await expectCode(
      () => unlockKeyDocument(altered, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'key_document_invalid',
    );
  });

  it('refuses a passphrase wrap swapped in from another key document', async () => {
    const other = await passphraseDocument(generateMasterKey(), recoveryKey, FAST);
    const swapped = edit(document, (j) => {
      j.wraps.passphrase = decode(other.document).wraps.passphrase;
    });
    await expectCode(
      () => unlockKeyDocument(swapped, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'key_document_invalid',
    );
  });

  it('validates the structure strictly, naming the offending field', async () => {
    const malformed: Array<[(json: Json) => void, RegExp]> = [
      [(j) => (j.extra = true), /extra|key/i],
      [(j) => delete j.wraps.recovery, /wraps\.recovery/],
      [(j) => (j.wraps.recovery.kdf = 'scrypt'), /wraps\.recovery\.kdf/],
      [(j) => (j.wraps.recovery.salt = 'AAAA'), /wraps\.recovery\.salt.*16 bytes/],
      [(j) => (j.wraps.passphrase.iterations = 600000.5), /iterations/],
      [(j) => (j.epoch = 0), /epoch/],
      [(j) => (j.epoch = '1'), /epoch/],
      [(j) => (j.v = 0), /\bv\b/],
      [(j) => delete j.tokenRoot, /tokenRoot/],
      [(j) => delete j.authKey, /authKey/],
      [(j) => (j.authKey.ct = j.recipients.recovery.eph), /authKey\.ct.*48 bytes/],
      [(j) => (j.wraps.other = {}), /other|key/i],
      [(j) => (j.wraps.recovery.ct = j.recipients.recovery.ct), /wraps\.recovery\.ct.*186 bytes/],
      [(j) => (j.wraps.recovery.pub = 'AAAA'), /wraps\.recovery\.pub.*65 bytes/],
      [(j) => delete j.wraps.recovery.pub, /wraps\.recovery\.pub/],
      [(j) => delete j.mac, /mac/],
      [(j) => (j.mac = 'AAAA'), /mac.*32 bytes/],
      [(j) => delete j.recipients.recovery, /recipients\.recovery is missing/],
      [(j) => delete j.recipients.passphrase, /recipients\.passphrase/],
      [
        (j) => (j.recipients.someone = j.recipients.recovery),
        /recipients.*recovery, passphrase or device/,
      ],
      [(j) => (j.recipients['device:'] = j.recipients.recovery), /recipients.*device:<id>/],
      [
        (j) => (j.recipients['device:x'] = j.recipients.recovery),
        /recipients\.device:x\.pub is missing/,
      ],
      [
        (j) => (j.recipients.recovery.pub = j.wraps.recovery.pub),
        /recipients\.recovery\.pub is not allowed/,
      ],
      [(j) => (j.recipients.recovery.extra = 1), /recipients|extra|key/i],
      [(j) => (j.recipients.recovery.ct = 'AAAA'), /recipients\.recovery\.ct.*48 bytes/],
      [(j) => (j.previous = {}), /previous/],
      [(j) => (j.previous = [{ epoch: 1 }]), /previous\.0/],
      [(j) => delete j.previous, /previous/],
      [(j) => delete j.recipients, /recipients/],
    ];
    for (const [change, message] of malformed) {
      const error = await expectCode(
        () => unlockKeyDocument(edit(document, change), ACCOUNT, { recoveryKey }, FAST),
        'key_document_invalid',
      );
      expect(error.message).toMatch(message);
    }
  });

  it('refuses documents that are not base64url JSON objects', async () => {
    for (const bad of [
      '',
      'not base64!',
      encode('a string'),
      encode(null),
      encode([1]),
      'e30',
      toBase64url(new Uint8Array([0xff, 0xfe])),
    ]) {
      await expectCode(
        () => unlockKeyDocument(bad, ACCOUNT, { recoveryKey }, FAST),
        'key_document_invalid',
      );
    }
    await expectCode(
      () => unlockKeyDocument('A'.repeat(70_000), ACCOUNT, { recoveryKey }, FAST),
      'key_document_invalid',
    );
  });

  it('reports a newer document version as unsupported_version', async () => {
    const v3 = edit(document, (j) => {
      j.v = 3;
    });
    await expectCode(
      () => unlockKeyDocument(v3, ACCOUNT, { recoveryKey }, FAST),
      'unsupported_version',
    );
  });
});

describe('rewrapKeyDocument', () => {
  it('replaces the recovery key: the new one opens the same master, the old one no longer does', async () => {
    const newKey = generateRecoveryKey();
    const rewrapped = await rewrapKeyDocument(document, {
      master,
      accountId: ACCOUNT,
      recoveryKey: newKey,
      ...FAST,
    });
    expect(
      (await unlockKeyDocument(rewrapped, ACCOUNT, { recoveryKey: newKey }, FAST)).master,
    ).toEqual(master);
    await expectCode(
      () => unlockKeyDocument(rewrapped, ACCOUNT, { recoveryKey }, FAST),
      'wrong_secret',
    );
    // The passphrase wrap was kept untouched.
    expect(decode(rewrapped).wraps.passphrase).toEqual(decode(document).wraps.passphrase);
    expect(
      (await unlockKeyDocument(rewrapped, ACCOUNT, { passphrase: PASSPHRASE }, FAST)).master,
    ).toEqual(master);
  });

  it('changes the passphrase: the new one works, the old one stops working', async () => {
    const newPassphrase = 'a brand new passphrase here';
    const rewrapped = await rewrapKeyDocument(document, {
      master,
      accountId: ACCOUNT,
      passphrase: newPassphrase,
      ...FAST,
    });
    const unlocked = await unlockKeyDocument(
      rewrapped,
      ACCOUNT,
      { passphrase: newPassphrase },
      FAST,
    );
    expect(unlocked.master).toEqual(master);
    expect(unlocked.fingerprint).toBe(fingerprint);
    await expectCode(
      () => unlockKeyDocument(rewrapped, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'wrong_secret',
    );
    expect((await unlockKeyDocument(rewrapped, ACCOUNT, { recoveryKey }, FAST)).master).toEqual(
      master,
    );
  });

  it('removes the passphrase with null and sets one on a document without', async () => {
    const removed = await rewrapKeyDocument(document, {
      master,
      accountId: ACCOUNT,
      passphrase: null,
      ...FAST,
    });
    expect(decode(removed).wraps.passphrase).toBeUndefined();
    await expectCode(
      () => unlockKeyDocument(removed, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'wrong_secret',
    );
    const setAgain = await rewrapKeyDocument(removed, {
      master,
      accountId: ACCOUNT,
      passphrase: PASSPHRASE,
      ...FAST,
    });
    expect(
      (await unlockKeyDocument(setAgain, ACCOUNT, { passphrase: PASSPHRASE }, FAST)).master,
    ).toEqual(master);
  });

  it('refuses a weak new passphrase and a master key that is not the document’s', async () => {
    await expectCode(
      () =>
        rewrapKeyDocument(document, { master, accountId: ACCOUNT, passphrase: 'short', ...FAST }),
      'weak_passphrase',
    );
    await expectCode(
      () =>
        rewrapKeyDocument(document, { master: generateMasterKey(), accountId: ACCOUNT, ...FAST }),
      'wrong_key',
    );
  });
});

describe('collection tokens across a key rotation', () => {
  it('survive through the key document’s token root', async () => {
    const epoch1 = await deriveAccountKeys(master, ACCOUNT, 1);
    const root = await deriveTokenRoot(master, ACCOUNT);
    const nextMaster = generateMasterKey();
    const rotated = await createKeyDocument({
      master: nextMaster,
      accountId: ACCOUNT,
      epoch: 2,
      recoveryKey,
      tokenRoot: root,
    });
    const unlocked = await unlockKeyDocument(rotated.document, ACCOUNT, { recoveryKey });
    expect(unlocked.epoch).toBe(2);
    expect(unlocked.master).toEqual(nextMaster);
    const epoch2 = await deriveAccountKeys(unlocked.master, ACCOUNT, unlocked.epoch, {
      tokenRoot: unlocked.tokenRoot,
    });
    expect(epoch2.fingerprint).toBe(rotated.fingerprint);
    expect(epoch2.fingerprint).not.toBe(epoch1.fingerprint);
    expect(await collectionToken(epoch2, 'profiles')).toBe(
      await collectionToken(epoch1, 'profiles'),
    );
  });
});
