import { beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../expect-code.test-helper';
import { ARGON2_DEFAULTS, createKeyDocument, rewrapKeyDocument, unlockKeyDocument } from '../index';
import {
  ACCOUNT,
  decode,
  edit,
  FAST,
  freshDocument,
  PASSPHRASE,
  passphraseDocument,
} from './key-document.test-helper';

/** Cheaper Argon2id for speed, through the explicit test option; one test uses the defaults. */
const CHEAP = { memoryKiB: 256, iterations: 1, parallelism: 1 };
const FAST_ARGON2 = { unsafeTestArgon2: CHEAP } as const;

let master: Uint8Array;
let recoveryKey: string;
let document: string;

beforeAll(async () => {
  ({ master, recoveryKey, document } = await freshDocument(FAST_ARGON2));
});

describe('Argon2id passphrase wrap', () => {
  it('writes Argon2id at Bitwarden’s parameters by default, and unlocks without any option', async () => {
    expect(ARGON2_DEFAULTS).toEqual({ memoryKiB: 65_536, iterations: 3, parallelism: 4 });
    const created = await passphraseDocument(master, recoveryKey, {});
    const wrap = decode(created.document).wraps.passphrase;
    expect(wrap).toMatchObject({ kdf: 'argon2id', ...ARGON2_DEFAULTS });
    expect(wrap.iterations).toBe(3);
    const unlocked = await unlockKeyDocument(created.document, ACCOUNT, { passphrase: PASSPHRASE });
    expect(unlocked.master).toEqual(master);
    await expectCode(
      () => unlockKeyDocument(created.document, ACCOUNT, { passphrase: `${PASSPHRASE}!` }),
      'wrong_secret',
    );
  }, 60_000);

  it('round-trips with the test parameters, which the option alone admits', async () => {
    expect(decode(document).wraps.passphrase).toMatchObject({ kdf: 'argon2id', ...CHEAP });
    const unlocked = await unlockKeyDocument(
      document,
      ACCOUNT,
      { passphrase: PASSPHRASE.normalize('NFD') },
      FAST_ARGON2,
    );
    expect(unlocked.master).toEqual(master);
    // The recovery key opens it too, with the same option (the floor is the document's).
    expect(
      (await unlockKeyDocument(document, ACCOUNT, { recoveryKey }, FAST_ARGON2)).master,
    ).toEqual(master);
  });

  it('a wrong passphrase is wrong_secret', async () => {
    await expectCode(
      () =>
        unlockKeyDocument(
          document,
          ACCOUNT,
          { passphrase: 'correct horse battery stapler' },
          FAST_ARGON2,
        ),
      'wrong_secret',
    );
  });

  it('refuses parameters below the floor at decode, without the test option', async () => {
    for (const secret of [{ passphrase: PASSPHRASE }, { recoveryKey }]) {
      const error = await expectCode(
        () => unlockKeyDocument(document, ACCOUNT, secret),
        'key_document_invalid',
      );
      expect(error.message).toContain('below the required');
    }
    // An option lowers the floor only to its own value: memory 257 KiB still refuses 256.
    await expectCode(
      () =>
        unlockKeyDocument(
          document,
          ACCOUNT,
          { passphrase: PASSPHRASE },
          { unsafeTestArgon2: { ...CHEAP, memoryKiB: 257 } },
        ),
      'key_document_invalid',
    );
    // A PBKDF2 test option does not lower the Argon2id floor.
    await expectCode(
      () => unlockKeyDocument(document, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'key_document_invalid',
    );
    await expectCode(
      () => rewrapKeyDocument(document, { master, accountId: ACCOUNT }),
      'key_document_invalid',
    );
  });

  it('refuses parameters above the ceiling at decode, before hashing anything', async () => {
    for (const [name, value] of [
      ['memoryKiB', 256 * 1024 + 1],
      ['memoryKiB', 4 * 1024 * 1024],
      ['iterations', 11],
      ['parallelism', 5],
      ['iterations', 2.5],
    ] as const) {
      const huge = edit(document, (json) => {
        json.wraps.passphrase[name] = value;
      });
      const started = performance.now();
      await expectCode(
        () => unlockKeyDocument(huge, ACCOUNT, { passphrase: PASSPHRASE }, FAST_ARGON2),
        'key_document_invalid',
      );
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('refuses memory below 8 KiB per lane, which Argon2 itself cannot run', async () => {
    const odd = edit(document, (json) => {
      json.wraps.passphrase.parallelism = 4;
      json.wraps.passphrase.memoryKiB = 16;
    });
    await expectCode(
      () =>
        unlockKeyDocument(
          odd,
          ACCOUNT,
          { passphrase: PASSPHRASE },
          {
            unsafeTestArgon2: { memoryKiB: 8, iterations: 1, parallelism: 1 },
          },
        ),
      'key_document_invalid',
    );
  });

  it('refuses tampered parameters through the AAD (raised, so the floor passes)', async () => {
    for (const change of [
      { memoryKiB: CHEAP.memoryKiB * 2 },
      { iterations: 2 },
      { parallelism: 2 },
    ]) {
      const tampered = edit(document, (json) => {
        Object.assign(json.wraps.passphrase, change);
      });
      // Other parameters give another stretched secret, so the check value already differs.
      await expectCode(
        () => unlockKeyDocument(tampered, ACCOUNT, { passphrase: PASSPHRASE }, FAST_ARGON2),
        'wrong_secret',
      );
      // The recovery key does not run the passphrase KDF, but the document's mac covers the wrap.
      await expectCode(
        () => unlockKeyDocument(tampered, ACCOUNT, { recoveryKey }, FAST_ARGON2),
        'key_document_invalid',
      );
    }
  });

  it('refuses an Argon2id wrap relabelled as PBKDF2 and the reverse', async () => {
    const relabelled = edit(document, (json) => {
      const { memoryKiB: _m, parallelism: _p, ...rest } = json.wraps.passphrase;
      json.wraps.passphrase = { ...rest, kdf: 'pbkdf2-sha256', iterations: 1000 };
    });
    await expectCode(
      () => unlockKeyDocument(relabelled, ACCOUNT, { passphrase: PASSPHRASE }, FAST),
      'wrong_secret',
    );
    const mixed = edit(document, (json) => {
      json.wraps.passphrase.kdf = 'pbkdf2-sha256';
    });
    await expectCode(
      () => unlockKeyDocument(mixed, ACCOUNT, { passphrase: PASSPHRASE }, FAST_ARGON2),
      'key_document_invalid',
    );
  });

  it('rewrap writes Argon2id, and a PBKDF2 document is upgraded by setting the passphrase', async () => {
    const pbkdf2 = await passphraseDocument(master, recoveryKey, FAST);
    expect(decode(pbkdf2.document).wraps.passphrase.kdf).toBe('pbkdf2-sha256');
    const upgraded = await rewrapKeyDocument(pbkdf2.document, {
      master,
      accountId: ACCOUNT,
      passphrase: 'a brand new passphrase here',
      ...FAST,
      ...FAST_ARGON2,
    });
    expect(decode(upgraded).wraps.passphrase.kdf).toBe('argon2id');
    const unlocked = await unlockKeyDocument(
      upgraded,
      ACCOUNT,
      { passphrase: 'a brand new passphrase here' },
      FAST_ARGON2,
    );
    expect(unlocked.master).toEqual(master);
  });
});

describe('passphrase strength', () => {
  for (const weak of ['aaaaaaaaaaaa', 'password1234', 'abcdefghijkl', 'qwertyuiopas']) {
    it(`refuses "${weak}" as guessable, saying why`, async () => {
      const error = await expectCode(
        () =>
          createKeyDocument({
            master,
            accountId: ACCOUNT,
            epoch: 1,
            recoveryKey,
            passphrase: weak,
            ...FAST_ARGON2,
          }),
        'guessable_passphrase',
      );
      expect(error.message).toMatch(/^This passphrase is easy to guess\. \S.+\.$/);
    });
  }

  it('says which kind of weakness it found', async () => {
    const repeat = await expectCode(
      () =>
        rewrapKeyDocument(document, {
          master,
          accountId: ACCOUNT,
          passphrase: 'aaaaaaaaaaaa',
          ...FAST_ARGON2,
        }),
      'guessable_passphrase',
    );
    expect(repeat.message).toContain('Repeated characters');
    const common = await expectCode(
      () =>
        rewrapKeyDocument(document, {
          master,
          accountId: ACCOUNT,
          passphrase: 'password1234',
          ...FAST_ARGON2,
        }),
      'guessable_passphrase',
    );
    expect(common.message).toContain('commonly used password');
  });

  it('still refuses short passphrases by length first', async () => {
    await expectCode(
      () =>
        rewrapKeyDocument(document, {
          master,
          accountId: ACCOUNT,
          passphrase: 'Xk9#mQ2!',
          ...FAST_ARGON2,
        }),
      'weak_passphrase',
    );
  });
});
