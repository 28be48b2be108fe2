import { describe, expect, it } from 'vitest';
import { isBroadcast, isPageToServiceWorker } from './wire';

describe('isPageToServiceWorker', () => {
  it('accepts the commands and the app’s own messages', () => {
    expect(isPageToServiceWorker({ type: 'call', id: 1, name: 'sync.now' })).toBe(true);
    expect(isPageToServiceWorker({ type: 'hello' })).toBe(true);
    expect(isPageToServiceWorker({ type: 'connectivity', online: false })).toBe(true);
    expect(isPageToServiceWorker({ type: 'SKIP_WAITING' })).toBe(true);
  });

  it('rejects malformed messages', () => {
    expect(isPageToServiceWorker(null)).toBe(false);
    expect(isPageToServiceWorker('hello')).toBe(false);
    expect(isPageToServiceWorker({ type: 'call', id: '1', name: 'sync.now' })).toBe(false);
    expect(isPageToServiceWorker({ type: 'connectivity', online: 'yes' })).toBe(false);
    expect(isPageToServiceWorker({ type: 'reload' })).toBe(false);
  });
});

describe('isBroadcast', () => {
  it('accepts status, unavailable and open', () => {
    expect(isBroadcast({ type: 'status', status: {} })).toBe(true);
    expect(isBroadcast({ type: 'unavailable', error: { code: 'x', message: '' } })).toBe(true);
    expect(isBroadcast({ type: 'open', url: 'http://127.0.0.1:8787/activate' })).toBe(true);
  });

  it('rejects anything else', () => {
    expect(isBroadcast({ type: 'open' })).toBe(false);
    expect(isBroadcast({ type: 'result', id: 1, ok: true })).toBe(false);
    expect(isBroadcast(undefined)).toBe(false);
  });
});
