import { describe, expect, it, vi } from 'vitest';
import { isWebUrl } from './is-web-url';

describe('isWebUrl', () => {
  it('accepts http and https addresses', () => {
    expect(isWebUrl('https://sync.example.com/activate?user_code=ABCD-EFGH')).toBe(true);
    expect(isWebUrl('http://127.0.0.1:8787/activate')).toBe(true);
  });

  it('refuses script and data URLs a hostile server could send, saying so', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(isWebUrl('javascript:alert(document.domain)')).toBe(false);
    expect(isWebUrl('data:text/html,<script>alert(1)</script>')).toBe(false);
    expect(isWebUrl('not a url')).toBe(false);
    expect(error).toHaveBeenCalledTimes(3);
    error.mockRestore();
  });
});
