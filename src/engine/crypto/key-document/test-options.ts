/** The test-only KDF options of IterationOptions, checked: they may only ask for what a KDF allows. */
import { CryptoError } from '../errors';
import { ARGON2_CEILINGS, type Argon2Params, PBKDF2_MAX_ITERATIONS } from './format';
import type { IterationOptions } from './index';

export function testIterations(options: IterationOptions): number | undefined {
  const test = options.unsafeTestIterations;
  if (test === undefined) return undefined;
  if (!Number.isInteger(test) || test < 1 || test > PBKDF2_MAX_ITERATIONS) {
    throw new CryptoError('invalid_argument', 'unsafeTestIterations must be a positive integer');
  }
  return test;
}

export function testArgon2(options: IterationOptions): Argon2Params | undefined {
  const test = options.unsafeTestArgon2;
  if (test === undefined) return undefined;
  const names = ['memoryKiB', 'iterations', 'parallelism'] as const;
  if (
    names.some(
      (name) =>
        !Number.isInteger(test[name]) || test[name] < 1 || test[name] > ARGON2_CEILINGS[name],
    ) ||
    test.memoryKiB < 8 * test.parallelism
  ) {
    throw new CryptoError('invalid_argument', 'unsafeTestArgon2 is outside what Argon2id allows');
  }
  return test;
}
