import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { CollectionToken, KeyFingerprint } from '../../protocol';
import { fromBase64url, toBase64url } from '../../protocol/base64url';
import { expectCode } from './expect-code.test-helper';
import {
  collectionToken,
  deriveAccountKeys,
  deriveTokenRoot,
  fingerprintOf,
  generateMasterKey,
} from './index';

describe('master key and fingerprint', () => {
  it('generates 32 fresh random bytes each time', () => {
    const a = generateMasterKey();
    const b = generateMasterKey();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(32);
    expect(a).not.toEqual(b);
  });

  it('fingerprints are protocol-valid, deterministic and differ per account, epoch and key', async () => {
    const master = generateMasterKey();
    const fp = await fingerprintOf(master, 'acct-1', 1);
    expect(v.is(KeyFingerprint, fp)).toBe(true);
    expect(fp.length).toBeGreaterThanOrEqual(22);
    expect(await fingerprintOf(master, 'acct-1', 1)).toBe(fp);
    expect((await deriveAccountKeys(master, 'acct-1', 1)).fingerprint).toBe(fp);
    const others = [
      await fingerprintOf(master, 'acct-2', 1),
      await fingerprintOf(master, 'acct-1', 2),
      await fingerprintOf(generateMasterKey(), 'acct-1', 1),
    ];
    expect(new Set([fp, ...others]).size).toBe(4);
  });

  it('the fingerprint is not the key and one flipped key bit changes about half of it', async () => {
    const master = generateMasterKey();
    const neighbour = new Uint8Array(master);
    neighbour[0] = (neighbour[0] as number) ^ 1;
    const fp = await fingerprintOf(master, 'acct', 1);
    expect(toBase64url(master)).not.toContain(fp.slice(0, 8));
    const a = fromBase64url(fp) as Uint8Array;
    const b = fromBase64url(await fingerprintOf(neighbour, 'acct', 1)) as Uint8Array;
    let differingBits = 0;
    for (let i = 0; i < a.length; i++) {
      for (let x = (a[i] as number) ^ (b[i] as number); x; x >>= 1) differingBits += x & 1;
    }
    // 128 output bits: a one-way function flips ~64; 20 is over seven standard deviations away.
    expect(differingBits).toBeGreaterThan(20);
  });

  it('rejects malformed inputs with invalid_argument', async () => {
    await expectCode(() => deriveAccountKeys(new Uint8Array(16), 'a', 1), 'invalid_argument');
    await expectCode(() => deriveAccountKeys(generateMasterKey(), '', 1), 'invalid_argument');
    await expectCode(() => deriveAccountKeys(generateMasterKey(), 'a', 0), 'invalid_argument');
    await expectCode(() => deriveAccountKeys(generateMasterKey(), 'a', 1.5), 'invalid_argument');
    await expectCode(() => fingerprintOf(generateMasterKey(), 'a', 2 ** 32), 'invalid_argument');
  });

  it('exposes only public fields on AccountKeys', async () => {
    const keys = await deriveAccountKeys(generateMasterKey(), 'acct', 3);
    expect(Object.keys(keys).sort()).toEqual(['accountId', 'epoch', 'fingerprint']);
    expect(keys.epoch).toBe(3);
    expect(Object.isFrozen(keys)).toBe(true);
  });
});

describe('collection tokens', () => {
  it('are 43-char protocol-valid base64url and deterministic across derivations', async () => {
    const master = generateMasterKey();
    const keys = await deriveAccountKeys(master, 'acct', 1);
    const token = await collectionToken(keys, 'profiles');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(v.is(CollectionToken, token)).toBe(true);
    expect(await collectionToken(keys, 'profiles')).toBe(token);
    expect(await collectionToken(await deriveAccountKeys(master, 'acct', 1), 'profiles')).toBe(
      token,
    );
  });

  it('differ per collection and per account, and do not reveal the name', async () => {
    const master = generateMasterKey();
    const keys = await deriveAccountKeys(master, 'acct-a', 1);
    const names = ['profiles', 'providers', 'groups', 'assignments', 'settings'];
    const tokens = await Promise.all(names.map((name) => collectionToken(keys, name)));
    expect(new Set(tokens).size).toBe(names.length);
    const otherAccount = await deriveAccountKeys(master, 'acct-b', 1);
    expect(await collectionToken(otherAccount, 'profiles')).not.toBe(tokens[0]);
    for (const token of tokens) expect(token.toLowerCase()).not.toContain('profile');
  });

  it('stay stable across key epochs when the token root is carried forward', async () => {
    const first = generateMasterKey();
    const epoch1 = await deriveAccountKeys(first, 'acct', 1);
    const root = await deriveTokenRoot(first, 'acct');
    const rotated = await deriveAccountKeys(generateMasterKey(), 'acct', 2, { tokenRoot: root });
    expect(rotated.fingerprint).not.toBe(epoch1.fingerprint);
    expect(await collectionToken(rotated, 'profiles')).toBe(
      await collectionToken(epoch1, 'profiles'),
    );
    // Without the carried root a new master means new tokens: the documented failure mode.
    const forgotten = await deriveAccountKeys(generateMasterKey(), 'acct', 2);
    expect(await collectionToken(forgotten, 'profiles')).not.toBe(
      await collectionToken(epoch1, 'profiles'),
    );
  });

  it('refuse an empty collection name and look-alike key objects', async () => {
    const keys = await deriveAccountKeys(generateMasterKey(), 'acct', 1);
    await expectCode(() => collectionToken(keys, ''), 'invalid_argument');
    await expectCode(() => collectionToken({ ...keys }, 'profiles'), 'invalid_argument');
  });
});
