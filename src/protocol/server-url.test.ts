import { describe, expect, it } from 'vitest';
import { checkServerUrl } from './server-url';

const codeOf = (input: string) => {
  const checked = checkServerUrl(input);
  return checked.ok ? null : checked.code;
};

describe('checkServerUrl', () => {
  it('accepts https and local http, without a trailing slash', () => {
    expect(checkServerUrl(' https://sync.example.com/ ')).toEqual({
      ok: true,
      url: 'https://sync.example.com',
    });
    expect(checkServerUrl('http://127.0.0.1:8787/')).toEqual({
      ok: true,
      url: 'http://127.0.0.1:8787',
    });
    expect(checkServerUrl('http://nas.local/satchel/')).toEqual({
      ok: true,
      url: 'http://nas.local/satchel',
    });
  });

  it('assumes https for a bare host name', () => {
    expect(checkServerUrl('sync.example.com')).toEqual({
      ok: true,
      url: 'https://sync.example.com',
    });
  });

  it('refuses plain http beyond loopback and private networks', () => {
    expect(codeOf('http://sync.example.com')).toBe('insecure_server_url');
    expect(codeOf('http://172.32.0.1')).toBe('insecure_server_url');
    expect(codeOf('http://8.8.8.8:8787')).toBe('insecure_server_url');
  });

  it('refuses what is not a server address, with a sentence that says why', () => {
    for (const input of [
      'not a url',
      'ftp://files.example.com',
      'https://user:pw@example.com',
      'https://a.example/?q=1',
    ]) {
      const checked = checkServerUrl(input);
      expect(checked.ok).toBe(false);
      if (!checked.ok) {
        expect(checked.code).toBe('invalid_server_url');
        expect(checked.message.length).toBeGreaterThan(10);
      }
    }
  });
});
