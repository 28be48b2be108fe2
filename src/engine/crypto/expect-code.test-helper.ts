import { expect } from 'vitest';
import { CryptoError, type CryptoErrorCode } from './errors';

/** Runs `action` and returns the CryptoError it threw, failing the test if it threw anything else. */
export async function cryptoErrorOf(action: () => unknown): Promise<CryptoError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return error as CryptoError;
  }
  throw new Error('expected a CryptoError, but nothing was thrown');
}

export async function expectCode(
  action: () => unknown,
  code: CryptoErrorCode,
): Promise<CryptoError> {
  const error = await cryptoErrorOf(action);
  expect(error.code, error.message).toBe(code);
  return error;
}
