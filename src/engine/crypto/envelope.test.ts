import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { Payload } from '../../protocol';
import { fromBase64url, toBase64url } from '../../protocol/base64url';
import type { CryptoErrorCode } from './errors';
import { expectCode } from './expect-code.test-helper';
import {
  type AccountKeys,
  collectionToken,
  deriveAccountKeys,
  ENVELOPE_VERSION,
  generateMasterKey,
  openRecord,
  type RecordAad,
  sealRecord,
} from './index';

const ACCOUNT = 'acct-7f3a';
const HEADER = { version: 0, epoch: [1, 5], keyId: [5, 13], rev: [13, 21], iv: [21, 33] } as const;
const TAG_BYTES = 16;

let master: Uint8Array;
let keys: AccountKeys;
let profiles: string;
let groups: string;

function aadFor(overrides: Partial<RecordAad> = {}): RecordAad {
  return {
    accountId: ACCOUNT,
    collection: profiles,
    id: 'rec-1',
    epoch: 1,
    deleted: false,
    rev: 1,
    ...overrides,
  };
}

function mutate(envelope: string, change: (bytes: Uint8Array) => Uint8Array): string {
  return toBase64url(change(fromBase64url(envelope) as Uint8Array));
}

beforeAll(async () => {
  master = generateMasterKey();
  keys = await deriveAccountKeys(master, ACCOUNT, 1);
  profiles = await collectionToken(keys, 'profiles');
  groups = await collectionToken(keys, 'groups');
});

describe('sealRecord / openRecord round trip', () => {
  it('returns the same JSON value for many shapes of plaintext', async () => {
    const values: unknown[] = [
      { name: 'Work', apiKey: 'sk-secret', parameters: { temperature: 0.2 }, tags: ['a', 'b'] },
      'just a string with ünïcödé and emoji 🎒',
      0,
      null,
      [],
      { hlc: '2026-11-22T10:00:00.000Z-0001-dev-a', device: 'dev-a', deleted: true },
      { big: 'x'.repeat(64 * 1024) },
    ];
    for (const value of values) {
      const envelope = await sealRecord(keys, aadFor(), value);
      expect(v.is(Payload, envelope)).toBe(true);
      expect(await openRecord(keys, aadFor(), envelope)).toEqual(value);
    }
  });

  it('opens with independently re-derived keys (another device with the same master)', async () => {
    const envelope = await sealRecord(keys, aadFor({ deleted: true }), { tombstone: true });
    const device2 = await deriveAccountKeys(master, ACCOUNT, 1);
    expect(await openRecord(device2, aadFor({ deleted: true }), envelope)).toEqual({
      tombstone: true,
    });
  });

  it('does not carry the plaintext in the clear', async () => {
    const envelope = await sealRecord(keys, aadFor(), { apiKey: 'sk-live-abcdefghijklmnop' });
    const bytes = fromBase64url(envelope) as Uint8Array;
    const asText = new TextDecoder('latin1').decode(bytes);
    expect(asText).not.toContain('sk-live');
  });

  it('uses a fresh IV for every seal, so sealing the same value twice differs', async () => {
    const ivs = new Set<string>();
    const envelopes = new Set<string>();
    const count = 2000;
    for (let i = 0; i < count; i++) {
      const envelope = await sealRecord(keys, aadFor(), { same: true });
      envelopes.add(envelope);
      const bytes = fromBase64url(envelope) as Uint8Array;
      ivs.add(toBase64url(bytes.subarray(HEADER.iv[0], HEADER.iv[1])));
    }
    expect(ivs.size).toBe(count);
    expect(envelopes.size).toBe(count);
  });

  it('writes the documented header: version 2, the epoch, the key id, then the revision', async () => {
    const keys9 = await deriveAccountKeys(master, ACCOUNT, 0x01020304);
    const bytes = fromBase64url(
      await sealRecord(keys9, aadFor({ epoch: 0x01020304, rev: 0x05_0607_0809 }), 1),
    ) as Uint8Array;
    expect(bytes[0]).toBe(2);
    expect([...bytes.subarray(HEADER.rev[0], HEADER.rev[1])]).toEqual([0, 0, 0, 5, 6, 7, 8, 9]);
    expect([...bytes.subarray(HEADER.epoch[0], HEADER.epoch[1])]).toEqual([1, 2, 3, 4]);
    const fingerprintBytes = fromBase64url(keys9.fingerprint) as Uint8Array;
    expect([...bytes.subarray(HEADER.keyId[0], HEADER.keyId[1])]).toEqual([
      ...fingerprintBytes.subarray(0, 8),
    ]);
    expect(bytes.length).toBe(HEADER.iv[1] + 1 + TAG_BYTES);
  });

  it('refuses plaintexts that are not JSON and AAD that does not fit the keys', async () => {
    await expectCode(() => sealRecord(keys, aadFor(), undefined), 'invalid_argument');
    await expectCode(() => sealRecord(keys, aadFor(), 10n), 'invalid_argument');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expectCode(() => sealRecord(keys, aadFor(), cyclic), 'invalid_argument');
    await expectCode(() => sealRecord(keys, aadFor({ epoch: 2 }), {}), 'invalid_argument');
    await expectCode(() => sealRecord(keys, aadFor({ accountId: 'x' }), {}), 'invalid_argument');
    await expectCode(() => sealRecord(keys, aadFor({ id: '' }), {}), 'invalid_argument');
  });
});

describe('openRecord refuses altered envelopes', () => {
  it('flags a flip of any single byte with the code for that region', async () => {
    const envelope = await sealRecord(keys, aadFor(), { name: 'Work' });
    const length = (fromBase64url(envelope) as Uint8Array).length;
    const seen = new Map<string, number>();
    for (let index = 0; index < length; index++) {
      for (const flip of [0x01, 0x80]) {
        const altered = mutate(envelope, (bytes) => {
          bytes[index] = (bytes[index] as number) ^ flip;
          return bytes;
        });
        let expected: CryptoErrorCode = 'tampered';
        // Version 2 with either bit flipped is 3 or 130: both newer than this app.
        if (index === HEADER.version) expected = 'unsupported_version';
        const error = await expectCode(
          () => openRecord(keys, aadFor(), altered),
          expected as never,
        );
        seen.set(error.code, (seen.get(error.code) ?? 0) + 1);
      }
    }
    // Key id bytes, IV, ciphertext and tag all count as tampering, not as a foreign key.
    expect(seen.get('tampered')).toBe((length - 1) * 2);
  });

  it('treats truncated and extended envelopes as invalid or tampered, never as data', async () => {
    const envelope = await sealRecord(keys, aadFor(), { name: 'Work' });
    const bytes = fromBase64url(envelope) as Uint8Array;
    const minimum = HEADER.iv[1] + 1 + TAG_BYTES;
    for (let cut = 0; cut < bytes.length; cut++) {
      const truncated = toBase64url(bytes.subarray(0, cut));
      const code = cut < minimum ? 'envelope_invalid' : 'tampered';
      await expectCode(() => openRecord(keys, aadFor(), truncated), code);
    }
    const extended = toBase64url(new Uint8Array([...bytes, 0]));
    await expectCode(() => openRecord(keys, aadFor(), extended), 'tampered');
  });

  it('refuses garbage that is not base64url', async () => {
    for (const garbage of ['', '!!!!', 'abc=', 'a b c d', 'QUJD+/==', 'x', '\u00e9t\u00e9']) {
      await expectCode(() => openRecord(keys, aadFor(), garbage), 'envelope_invalid');
    }
    await expectCode(() => openRecord(keys, aadFor(), 42 as unknown as string), 'envelope_invalid');
  });

  it('refuses well-formed base64url that is not an envelope', async () => {
    const random = toBase64url(crypto.getRandomValues(new Uint8Array(80)));
    const randomWithVersion = mutate(random, (b) => {
      b[0] = ENVELOPE_VERSION.Current;
      return b;
    });
    await expectCode(() => openRecord(keys, aadFor(), randomWithVersion), 'tampered');
    const zeros = toBase64url(new Uint8Array(80));
    await expectCode(() => openRecord(keys, aadFor(), zeros), 'envelope_invalid');
  });

  it('reports a newer format version as unsupported_version', async () => {
    const envelope = await sealRecord(keys, aadFor(), {});
    const v3 = mutate(envelope, (b) => {
      b[0] = ENVELOPE_VERSION.Current + 1;
      return b;
    });
    const error = await expectCode(() => openRecord(keys, aadFor(), v3), 'unsupported_version');
    expect(error.message).toContain(String(ENVELOPE_VERSION.Current + 1));
  });

  it('no longer reads version 1, which never shipped', async () => {
    const envelope = await sealRecord(keys, aadFor(), {});
    const v1 = mutate(envelope, (b) => {
      b[0] = 1;
      return b;
    });
    const error = await expectCode(() => openRecord(keys, aadFor(), v1), 'envelope_invalid');
    expect(error.message).toContain('version 1');
  });
});

describe('the sealed revision', () => {
  it('opens only as the revision it was sealed for; another label is stale_revision', async () => {
    const envelope = await sealRecord(keys, aadFor({ rev: 3 }), { apiKey: 'sk-old' });
    expect(await openRecord(keys, aadFor({ rev: 3 }), envelope)).toEqual({ apiKey: 'sk-old' });
    for (const served of [1, 2, 4, 9, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const error = await expectCode(
        () => openRecord(keys, aadFor({ rev: served }), envelope),
        'stale_revision',
      );
      expect(error.message).toContain('revision 3');
      expect(error.message).not.toContain('sk-old');
    }
  });

  it('fails authentication when the revision in the header is rewritten', async () => {
    const envelope = await sealRecord(keys, aadFor({ rev: 3 }), { name: 'Work' });
    for (const rev of [4, 9, 2 ** 40]) {
      const relabelled = mutate(envelope, (b) => {
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        view.setUint32(HEADER.rev[0], Math.floor(rev / 2 ** 32));
        view.setUint32(HEADER.rev[0] + 4, rev % 2 ** 32);
        return b;
      });
      await expectCode(() => openRecord(keys, aadFor({ rev }), relabelled), 'tampered');
      await expectCode(() => openRecord(keys, aadFor({ rev: 3 }), relabelled), 'tampered');
    }
  });

  it('keeps a large revision exact (above 2^32)', async () => {
    const rev = 2 ** 40 + 7;
    const envelope = await sealRecord(keys, aadFor({ rev }), { n: 1 });
    expect(await openRecord(keys, aadFor({ rev }), envelope)).toEqual({ n: 1 });
    await expectCode(() => openRecord(keys, aadFor({ rev: 7 }), envelope), 'stale_revision');
  });

  it('refuses to seal or open with a revision no write can have', async () => {
    for (const rev of [0, -1, 1.5, Number.NaN, 2 ** 53, undefined]) {
      await expectCode(
        () => sealRecord(keys, aadFor({ rev: rev as number }), {}),
        'invalid_argument',
      );
    }
  });
});

describe('openRecord refuses swapped records', () => {
  let envelope: string;
  beforeAll(async () => {
    envelope = await sealRecord(keys, aadFor(), { name: 'Work', apiKey: 'sk-1' });
  });

  it('moved to another record id', async () => {
    await expectCode(() => openRecord(keys, aadFor({ id: 'rec-2' }), envelope), 'tampered');
  });

  it('moved to another collection', async () => {
    await expectCode(() => openRecord(keys, aadFor({ collection: groups }), envelope), 'tampered');
  });

  it('with the deleted flag flipped either way (undelete, fake delete)', async () => {
    await expectCode(() => openRecord(keys, aadFor({ deleted: true }), envelope), 'tampered');
    const tombstone = await sealRecord(keys, aadFor({ deleted: true }), { deleted: true });
    await expectCode(() => openRecord(keys, aadFor({ deleted: false }), tombstone), 'tampered');
  });

  it('relabelled with another epoch', async () => {
    await expectCode(() => openRecord(keys, aadFor({ epoch: 2 }), envelope), 'tampered');
    const keys2 = await deriveAccountKeys(master, ACCOUNT, 2);
    await expectCode(() => openRecord(keys2, aadFor({ epoch: 2 }), envelope), 'tampered');
  });

  it('moved to another account (whose keys differ even with the same master)', async () => {
    const other = await deriveAccountKeys(master, 'acct-other', 1);
    const otherAad = aadFor({ accountId: 'acct-other' });
    await expectCode(() => openRecord(other, otherAad, envelope), 'wrong_key');
    await expectCode(() => openRecord(keys, otherAad, envelope), 'invalid_argument');
  });

  it('refuses a genuine envelope of a sibling record served in place of this one', async () => {
    const sibling = await sealRecord(keys, aadFor({ id: 'rec-2' }), {
      name: 'Home',
      apiKey: 'sk-2',
    });
    await expectCode(() => openRecord(keys, aadFor(), sibling), 'tampered');
    expect(await openRecord(keys, aadFor({ id: 'rec-2' }), sibling)).toEqual({
      name: 'Home',
      apiKey: 'sk-2',
    });
  });
});

describe('openRecord tells a wrong key from tampering', () => {
  it('a different master key gives wrong_key', async () => {
    const envelope = await sealRecord(keys, aadFor(), { name: 'Work' });
    const stranger = await deriveAccountKeys(generateMasterKey(), ACCOUNT, 1);
    const error = await expectCode(() => openRecord(stranger, aadFor(), envelope), 'wrong_key');
    expect(error.message).not.toContain(keys.fingerprint);
  });

  it('keys of another epoch give wrong_key', async () => {
    const envelope = await sealRecord(keys, aadFor(), { name: 'Work' });
    const keys2 = await deriveAccountKeys(generateMasterKey(), ACCOUNT, 2);
    await expectCode(() => openRecord(keys2, aadFor(), envelope), 'wrong_key');
  });

  it('a foreign envelope whose key id was forged to ours is tampered, not opened', async () => {
    const stranger = await deriveAccountKeys(generateMasterKey(), ACCOUNT, 1);
    const foreign = await sealRecord(stranger, aadFor(), { evil: true });
    const ourKeyId = (fromBase64url(keys.fingerprint) as Uint8Array).subarray(0, 8);
    const forged = mutate(foreign, (b) => {
      b.set(ourKeyId, HEADER.keyId[0]);
      return b;
    });
    await expectCode(() => openRecord(keys, aadFor(), forged), 'tampered');
  });

  it('never puts plaintext or key material in error messages', async () => {
    const secret = 'sk-very-secret-value';
    const envelope = await sealRecord(keys, aadFor(), { apiKey: secret });
    const stranger = await deriveAccountKeys(generateMasterKey(), ACCOUNT, 1);
    const errors = [
      await expectCode(() => openRecord(stranger, aadFor(), envelope), 'wrong_key'),
      await expectCode(() => openRecord(keys, aadFor({ id: 'x' }), envelope), 'tampered'),
    ];
    for (const error of errors) {
      const text = `${error.message} ${String(error.cause ?? '')}`;
      expect(text).not.toContain(secret);
      expect(text).not.toContain(toBase64url(master));
    }
  });
});
