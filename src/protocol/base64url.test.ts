import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from './base64url';

describe('base64url', () => {
  it('round-trips every length and every byte value', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const text = toBase64url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64url(text)).toEqual(bytes);
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64url(toBase64url(all))).toEqual(all);
  });

  it('matches RFC 4648 test vectors without padding', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(toBase64url(new TextEncoder().encode(plain))).toBe(encoded);
    }
    expect(toBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('refuses padding, standard-alphabet characters, impossible lengths and non-canonical text', () => {
    for (const bad of ['Zg==', 'a+b/', 'Z', 'Zm9vY', 'Zh', 'Zm9', 'Zm9 v', 'Zm9v\n', 'ÿÿÿÿ']) {
      expect(fromBase64url(bad), bad).toBeNull();
    }
  });
});
