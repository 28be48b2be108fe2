import { describe, expect, it } from 'vitest';
import { matchesQuery } from './views';

describe('matchesQuery', () => {
  const noSecrets = () => false;
  it('matches any visible field, case-insensitively', () => {
    expect(matchesQuery({ name: 'Work', model: 'GPT' }, 'gpt', noSecrets)).toBe(true);
    expect(matchesQuery({ name: 'Work' }, 'home', noSecrets)).toBe(false);
  });

  it('never searches secret fields', () => {
    expect(matchesQuery({ apiKey: 'sk-123' }, 'sk-1', (f) => f === 'apiKey')).toBe(false);
  });
});
