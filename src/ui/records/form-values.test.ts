import { describe, expect, it } from 'vitest';
import { fromForm, issuesByField, toForm } from './form-values';

describe('form values', () => {
  it('round-trips a profile through its form', () => {
    const value = {
      name: 'Work',
      provider: 'openai',
      model: 'gpt',
      apiKey: ' sk ',
      parameters: { temperature: 0.2 },
    };
    const parsed = fromForm('profiles', toForm('profiles', value), null);
    expect(parsed).toEqual({ ok: true, value: { ...value, apiKey: ' sk ' } });
  });

  it('drops empty optional inputs instead of sending empty strings', () => {
    const parsed = fromForm(
      'profiles',
      { name: 'A', provider: 'p', model: 'm', baseUrl: '  ' },
      null,
    );
    expect(parsed.ok && 'baseUrl' in parsed.value).toBe(false);
  });

  it('splits lists by line and ignores blank lines', () => {
    const parsed = fromForm(
      'providers',
      { name: 'P', models: 'a\n\n b \n', baseUrl: 'https://x', authHeader: 'A' },
      null,
    );
    expect(parsed.ok && parsed.value.models).toEqual(['a', 'b']);
  });

  it('reports invalid JSON at its field', () => {
    const parsed = fromForm('profiles', { name: 'A', parameters: '{temperature: 1' }, null);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.issues.parameters).toMatch(/JSON/);
  });

  it('keeps fields the form does not show', () => {
    const parsed = fromForm(
      'assignments',
      { app: 'x', profileId: 'p' },
      { app: 'x', profileId: 'q', future: 'kept' },
    );
    expect(parsed.ok && parsed.value.future).toBe('kept');
  });

  it('groups engine issues under their top-level field', () => {
    expect(
      issuesByField([
        { path: 'baseUrl', message: 'must be a URL' },
        { path: 'parameters.temperature', message: 'must be a number' },
        { path: '', message: 'record id does not match' },
      ]),
    ).toEqual({
      baseUrl: 'must be a URL',
      parameters: 'temperature: must be a number',
      '': 'record id does not match',
    });
  });
});
