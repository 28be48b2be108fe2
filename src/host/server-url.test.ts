import { describe, expect, it } from 'vitest';
import { parseServerUrl } from './contract';

const codeOf = (input: string) => {
  try {
    parseServerUrl(input);
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('parseServerUrl', () => {
  it('accepts https and local http, without a trailing slash', () => {
    expect(parseServerUrl(' https://sync.example.com/ ')).toBe('https://sync.example.com');
    expect(parseServerUrl('http://localhost:8787')).toBe('http://localhost:8787');
    expect(parseServerUrl('http://192.168.1.20:8787/satchel/')).toBe(
      'http://192.168.1.20:8787/satchel',
    );
  });

  it('assumes https when no scheme is typed', () => {
    expect(parseServerUrl('sync.example.com')).toBe('https://sync.example.com');
  });

  it('refuses plain http to the internet', () => {
    expect(codeOf('http://sync.example.com')).toBe('insecure_server_url');
  });

  it('refuses what is not a server address', () => {
    expect(codeOf('not a url at all')).toBe('invalid_server_url');
    expect(codeOf('ftp://files.example.com')).toBe('invalid_server_url');
    expect(codeOf('https://user:pw@example.com')).toBe('invalid_server_url');
  });
});
