import { describe, expect, it } from 'vitest';
import { expectCode } from './expect-code.test-helper';
import {
  formatRecoveryKey,
  generateRecoveryKey,
  parseRecoveryKey,
  RECOVERY_KEY_BYTES,
} from './index';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/;

function withSymbolAt(key: string, index: number, symbol: string): string {
  const compact = key.replace(/-/g, '');
  return compact.slice(0, index) + symbol + compact.slice(index + 1);
}

describe('recovery key format', () => {
  it('is seven groups of four Crockford symbols carrying 128 random bits', () => {
    expect(RECOVERY_KEY_BYTES * 8).toBeGreaterThanOrEqual(128);
    const keys = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const key = generateRecoveryKey();
      expect(key).toMatch(FORMAT);
      expect(parseRecoveryKey(key).length).toBe(RECOVERY_KEY_BYTES);
      keys.add(key);
    }
    expect(keys.size).toBe(200);
  });

  it('round-trips bytes through the text form', () => {
    for (let i = 0; i < 100; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(RECOVERY_KEY_BYTES));
      expect(parseRecoveryKey(formatRecoveryKey(bytes))).toEqual(bytes);
    }
    const zeros = new Uint8Array(RECOVERY_KEY_BYTES);
    expect(parseRecoveryKey(formatRecoveryKey(zeros))).toEqual(zeros);
  });
});

describe('parseRecoveryKey tolerance', () => {
  it('accepts any case, spaces, dashes of any kind, and no separators at all', () => {
    const key = generateRecoveryKey();
    const bytes = parseRecoveryKey(key);
    const compact = key.replace(/-/g, '');
    const variants = [
      key.toLowerCase(),
      compact,
      compact.toLowerCase(),
      key.replace(/-/g, ' '),
      `  ${key.replace(/-/g, ' \u2013 ')}\n`,
      compact.replace(/(.{7})/g, '$1 '),
      key.replace(/-/g, '\u00a0'),
    ];
    for (const variant of variants) expect(parseRecoveryKey(variant)).toEqual(bytes);
  });

  it('reads I and L as 1 and O as 0, in either case', () => {
    const bytes = new Uint8Array(RECOVERY_KEY_BYTES);
    bytes[0] = 0b00001_000; // first symbol 1, second symbol 0 …
    bytes[1] = 0;
    const key = formatRecoveryKey(bytes);
    expect(key.slice(0, 2)).toBe('10');
    for (const [one, zero] of [
      ['I', 'O'],
      ['l', 'o'],
      ['L', 'O'],
      ['i', 'o'],
    ]) {
      expect(parseRecoveryKey(`${one}${zero}${key.slice(2)}`)).toEqual(bytes);
    }
  });
});

describe('parseRecoveryKey refusals', () => {
  it('catches every single mistyped symbol at every position', async () => {
    for (let round = 0; round < 3; round++) {
      const key = generateRecoveryKey();
      const compact = key.replace(/-/g, '');
      for (let index = 0; index < compact.length; index++) {
        for (const symbol of CROCKFORD) {
          if (symbol === compact[index]) continue;
          const error = await expectCode(
            () => parseRecoveryKey(withSymbolAt(key, index, symbol)),
            'invalid_recovery_key',
          );
          expect(error.message).toMatch(/typo/);
        }
      }
    }
  });

  it('catches every swap of two neighbouring symbols', async () => {
    for (let round = 0; round < 10; round++) {
      const compact = generateRecoveryKey().replace(/-/g, '');
      for (let index = 0; index + 1 < compact.length; index++) {
        const a = compact[index] as string;
        const b = compact[index + 1] as string;
        if (a === b) continue;
        const swapped = compact.slice(0, index) + b + a + compact.slice(index + 2);
        await expectCode(() => parseRecoveryKey(swapped), 'invalid_recovery_key');
      }
    }
  });

  it('explains a wrong length, counting only the symbols', async () => {
    const key = generateRecoveryKey();
    const short = await expectCode(
      () => parseRecoveryKey(key.slice(0, -1)),
      'invalid_recovery_key',
    );
    expect(short.message).toContain('28');
    expect(short.message).toContain('27');
    const long = await expectCode(() => parseRecoveryKey(`${key}-7`), 'invalid_recovery_key');
    expect(long.message).toContain('29');
  });

  it('names the position of a character that cannot appear, without echoing the key', async () => {
    const key = generateRecoveryKey();
    const withU = withSymbolAt(key, 4, 'U');
    const error = await expectCode(() => parseRecoveryKey(withU), 'invalid_recovery_key');
    expect(error.message).toContain('Character 5');
    for (const group of key.split('-')) expect(error.message).not.toContain(group);
    for (const bad of ['*'.repeat(28), `${key.slice(0, -1)}!`, 'passphrase instead of a key']) {
      await expectCode(() => parseRecoveryKey(bad), 'invalid_recovery_key');
    }
  });

  it('refuses empty input and non-strings', async () => {
    await expectCode(() => parseRecoveryKey(''), 'invalid_recovery_key');
    await expectCode(() => parseRecoveryKey('  - - '), 'invalid_recovery_key');
    await expectCode(() => parseRecoveryKey(42 as unknown as string), 'invalid_recovery_key');
  });
});
