import { describe, expect, it } from 'vitest';
import { copyAs, curlBase, envPrefix, profileForCopy, shellQuote } from './copy-as';

const openai = profileForCopy(
  { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: "sk-it's" },
  undefined,
);

describe('copy as', () => {
  it('environment lines: the provider names the variables, values are single-quoted', () => {
    expect(copyAs('env', openai)).toBe(
      "export OPENAI_API_KEY='sk-it'\\''s'\nexport OPENAI_MODEL='gpt-4o'\n",
    );
    const local = profileForCopy(
      { provider: 'p1', model: 'llama', apiKey: 'k', baseUrl: 'http://localhost:11434/v1' },
      { name: 'Local LLM' },
    );
    expect(copyAs('env', local)).toBe(
      "export LOCAL_LLM_API_KEY='k'\nexport LOCAL_LLM_BASE_URL='http://localhost:11434/v1'\nexport LOCAL_LLM_MODEL='llama'\n",
    );
  });

  it('a JSON snippet with the base URL only when there is one', () => {
    expect(JSON.parse(copyAs('json', openai))).toEqual({
      provider: 'openai',
      model: 'gpt-4o',
      apiKey: "sk-it's",
    });
  });

  it('curl: the OpenAI shape by default, the provider base URL when set, Anthropic its own', () => {
    expect(copyAs('curl', openai)).toBe(
      [
        "curl 'https://api.openai.com/v1/chat/completions' \\",
        "  -H 'Authorization: Bearer sk-it'\\''s' \\",
        "  -H 'Content-Type: application/json' \\",
        `  -d '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}'`,
        '',
      ].join('\n'),
    );
    const viaProvider = profileForCopy(
      { provider: 'x', model: 'm', apiKey: 'k' },
      { name: 'Groq', baseUrl: 'https://api.groq.com/openai/v1/' },
    );
    expect(copyAs('curl', viaProvider)).toContain(
      "curl 'https://api.groq.com/openai/v1/chat/completions'",
    );
    const claude = profileForCopy(
      { provider: 'anthropic', model: 'claude', apiKey: 'k' },
      undefined,
    );
    const curl = copyAs('curl', claude);
    expect(curl).toContain("curl 'https://api.anthropic.com/v1/messages'");
    expect(curl).toContain("-H 'x-api-key: k'");
    expect(curl).toContain("-H 'anthropic-version: 2023-06-01'");
  });

  it('curl: never guesses an address for a provider nobody described (the key would go elsewhere)', () => {
    const unknown = profileForCopy({ provider: 'acme', model: 'm', apiKey: 'sk-acme' }, undefined);
    expect(curlBase(unknown)).toBeNull();
    expect(() => copyAs('curl', unknown)).toThrow('No base URL is known for acme');
    const described = profileForCopy(
      { provider: 'acme', model: 'm', apiKey: 'sk-acme' },
      { name: 'Acme', baseUrl: 'https://llm.acme.test/v1' },
    );
    expect(curlBase(described)).toBe('https://llm.acme.test/v1');
    expect(
      curlBase(profileForCopy({ provider: 'OpenAI', model: 'm', apiKey: 'k' }, undefined)),
    ).toBe('https://api.openai.com/v1');
  });

  it('names no variable with a digit or symbol first, and quotes anything', () => {
    expect(envPrefix('2fast')).toBe('P_2FAST');
    expect(envPrefix('--')).toBe('P_PROVIDER');
    expect(shellQuote('$(rm -rf /) `x` "y"')).toBe(`'$(rm -rf /) \`x\` "y"'`);
  });
});
