/** Server password hashing: today's scrypt parameters, old hashes still read, and rehashing. */
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  PasswordHashError,
  PasswordHasher,
  SCRYPT_PARAMS,
  verifyPassword,
} from './passwords';

/** A hash as the server stored it before issue 12 (N=2^15, r=8, p=1). */
function oldHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

describe('password hashing', () => {
  it('hashes with scrypt N=2^17, r=8, p=1 (OWASP), and verifies only the right password', async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const started = performance.now();
    const stored = await hashPassword('correct horse battery');
    const ms = performance.now() - started;
    console.info(`scrypt N=2^17 r=8 p=1: ${ms.toFixed(0)} ms for one hash on this machine`);
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '131072', '8', '1']);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery!', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it('still verifies a hash made with the old parameters, and says it needs rehashing', async () => {
    const stored = oldHash('an older password');
    expect(await verifyPassword('an older password', stored)).toBe(true);
    expect(await verifyPassword('another password', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });

  it('refuses stored hashes that are malformed or would take absurd memory', async () => {
    const salt = randomBytes(16).toString('base64url');
    for (const stored of [
      'bcrypt$x',
      `scrypt$131072$8$1$${salt}`,
      `scrypt$100000$8$1$${salt}$${salt}`,
      `scrypt$${2 ** 24}$8$1$${salt}$${salt}`,
      `scrypt$131072$0$1$${salt}$${salt}`,
      `scrypt$131072$8$99$${salt}$${salt}`,
    ]) {
      await expect(verifyPassword('x', stored)).rejects.toBeInstanceOf(PasswordHashError);
    }
  });

  it('a hasher at another cost (the test servers) hashes at it and rehashes the others', async () => {
    const cheap = new PasswordHasher({ N: 2 ** 12, r: 8, p: 1 });
    const stored = await cheap.hash('correct horse battery');
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '4096', '8', '1']);
    expect(await cheap.verify('correct horse battery', stored)).toBe(true);
    expect(await cheap.verify('correct horse battery!', stored)).toBe(false);
    expect(cheap.needsRehash(stored)).toBe(false);
    // The production hasher upgrades a cheap hash on the next sign-in, and the reverse.
    expect(needsRehash(stored)).toBe(true);
    expect(cheap.needsRehash(await hashPassword('correct horse battery'))).toBe(true);
    expect((await cheap.decoyHash()).split('$')[1]).toBe('4096');
  });
});
