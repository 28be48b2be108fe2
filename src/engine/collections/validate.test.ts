import { describe, expect, it } from 'vitest';
import { EngineError, ValidationError } from '../errors';
import { assertCollection, naturalIdOf, validateRecord } from './validate';

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('collection validation', () => {
  const profile = { name: ' Work ', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-secret-123' };

  it('accepts and normalises a valid profile', () => {
    expect(validateRecord('profiles', 'p1', profile)).toEqual({ ...profile, name: 'Work' });
  });

  it('lists every bad field with a specific message', () => {
    const error = validationError(() =>
      validateRecord('profiles', 'p1', {
        name: '',
        provider: 'bad id!',
        model: 'm',
        baseUrl: 'ftp://x',
      }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['baseUrl', 'name', 'provider']);
    expect(error.issues.find((issue) => issue.path === 'name')?.message).toBe('must not be empty');
  });

  it('says in words a person reads that a field is missing or unknown', () => {
    const error = validationError(() =>
      validateRecord('profiles', 'p1', { name: 'Work', model: 'm', colour: 'red' }),
    );
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'provider', message: 'is required' },
        { path: 'colour', message: 'is not a field of this record' },
      ]),
    );
    expect(error.issues.map((issue) => issue.message).join(' ')).not.toMatch(/Invalid key/);
  });

  it('rejects unknown fields (a typo never silently drops data)', () => {
    const error = validationError(() =>
      validateRecord('providers', 'x', {
        name: 'A',
        baseUrl: 'https://a.example',
        models: [],
        authHeader: 'Authorization',
        authheader: 'x',
      }),
    );
    expect(error.issues[0]?.path).toBe('authheader');
  });

  it('never quotes a secret value in an error message', () => {
    const secret = 'sk-live-0123456789';
    const error = validationError(() =>
      validateRecord('profiles', 'p1', { ...profile, apiKey: { secret } }),
    );
    expect(error.issues[0]?.path).toBe('apiKey');
    expect(JSON.stringify(error.issues) + error.message).not.toContain(secret);
  });

  it('derives natural ids and refuses a mismatched one', () => {
    expect(naturalIdOf('assignments', { app: 'vscode', profileId: 'p1' })).toBe('vscode');
    expect(naturalIdOf('settings', { theme: 'dark' })).toBe('preferences');
    expect(naturalIdOf('profiles', profile)).toBeNull();
    expect(() =>
      validateRecord('assignments', 'cursor', { app: 'vscode', profileId: 'p1' }),
    ).toThrow(/id must be "vscode"/);
  });

  it('validates settings preferences', () => {
    expect(validateRecord('settings', 'preferences', { theme: 'dark', language: 'pt-BR' })).toEqual(
      { theme: 'dark', language: 'pt-BR' },
    );
    const error = validationError(() =>
      validateRecord('settings', 'preferences', { theme: 'neon' }),
    );
    expect(error.issues[0]).toEqual({ path: 'theme', message: 'must be system, light or dark' });
  });

  it('names an unknown collection with its own code', () => {
    expect(() => assertCollection('passwords')).toThrow(EngineError);
    try {
      assertCollection('passwords');
    } catch (error) {
      expect((error as EngineError).code).toBe('unknown_collection');
    }
  });
});
