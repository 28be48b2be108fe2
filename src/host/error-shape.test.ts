import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError, ValidationError } from '../engine';
import { BridgeError } from './contract';
import { toErrorShape } from './error-shape';

afterEach(() => vi.restoreAllMocks());

describe('toErrorShape', () => {
  it('passes the engine’s code and message, with field issues', () => {
    expect(toErrorShape(new InputError('unknown_collection', 'No collection x'))).toEqual({
      code: 'unknown_collection',
      message: 'No collection x',
    });
    const invalid = new ValidationError('bad', [{ path: 'baseUrl', message: 'not a URL' }]);
    expect(toErrorShape(invalid)).toEqual({
      code: 'validation_failed',
      message: 'bad',
      issues: [{ path: 'baseUrl', message: 'not a URL' }],
    });
  });

  it('passes the host’s own errors', () => {
    expect(toErrorShape(new BridgeError({ code: 'invalid_backup', message: 'no' }))).toEqual({
      code: 'invalid_backup',
      message: 'no',
    });
  });

  it('reports anything else as internal_error, without its details', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const leaky = Object.assign(new Error('sk-secret in a message'), { code: 'looks_fine' });
    expect(toErrorShape(leaky)).toEqual({
      code: 'internal_error',
      message: 'Unexpected error in the service worker',
    });
  });
});
