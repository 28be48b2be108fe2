/**
 * A profile as text to paste elsewhere: shell environment lines, a JSON snippet, or a curl call
 * that tries it. Pure, so each format is tested as exactly what lands on the clipboard.
 */
import type { RecordValue } from '../../host/contract';

export type CopyFormat = 'env' | 'json' | 'curl';

export interface ProfileForCopy {
  /** The provider as a person names it (the Providers record's name, else the profile's id). */
  provider: string;
  model: string;
  apiKey: string;
  /** The profile's own base URL, else its provider's; empty when neither has one. */
  baseUrl: string;
}

/** Where the best-known providers answer, for a curl call and a provider added from a profile. */
export const KNOWN_BASE: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function profileForCopy(
  value: RecordValue,
  provider: { name?: string; baseUrl?: string } | undefined,
): ProfileForCopy {
  return {
    provider: text(provider?.name) || text(value.provider),
    model: text(value.model),
    apiKey: text(value.apiKey),
    baseUrl: text(value.baseUrl) || text(provider?.baseUrl),
  };
}

/** `OpenAI` → `OPENAI`, `my provider 2` → `MY_PROVIDER_2`: the prefix of its variables. */
export function envPrefix(provider: string): string {
  const prefix = provider
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[A-Z]/.test(prefix) ? prefix : `P_${prefix || 'PROVIDER'}`;
}

/** POSIX single quotes: nothing inside is expanded; a quote itself is closed, escaped, reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function isAnthropic(profile: ProfileForCopy): boolean {
  return envPrefix(profile.provider) === 'ANTHROPIC' || /anthropic\.com/.test(profile.baseUrl);
}

/**
 * Where a curl call for this profile goes: its own or its provider's base URL, else the known
 * address of a provider named like one of KNOWN_BASE. Null otherwise: guessing (say OpenAI's
 * address for a provider nobody described) would send the key to a company it does not belong to.
 */
export function curlBase(profile: ProfileForCopy): string | null {
  const base = profile.baseUrl || KNOWN_BASE[profile.provider.trim().toLowerCase()];
  return base ? base.replace(/\/+$/, '') : null;
}

function baseOf(profile: ProfileForCopy): string {
  const base = curlBase(profile);
  if (base === null)
    throw new Error(`No base URL is known for ${profile.provider || 'this provider'}`);
  return base;
}

export function copyAs(format: CopyFormat, profile: ProfileForCopy): string {
  switch (format) {
    case 'env': {
      const prefix = envPrefix(profile.provider);
      const lines = [`export ${prefix}_API_KEY=${shellQuote(profile.apiKey)}`];
      if (profile.baseUrl) lines.push(`export ${prefix}_BASE_URL=${shellQuote(profile.baseUrl)}`);
      if (profile.model) lines.push(`export ${prefix}_MODEL=${shellQuote(profile.model)}`);
      return `${lines.join('\n')}\n`;
    }
    case 'json': {
      const { provider, model, apiKey, baseUrl } = profile;
      return `${JSON.stringify({ provider, model, apiKey, ...(baseUrl ? { baseUrl } : {}) }, null, 2)}\n`;
    }
    case 'curl': {
      const message = [{ role: 'user', content: 'Hello' }];
      if (isAnthropic(profile)) {
        const body = JSON.stringify({ model: profile.model, max_tokens: 64, messages: message });
        return [
          `curl ${shellQuote(`${baseOf(profile)}/messages`)} \\`,
          `  -H ${shellQuote(`x-api-key: ${profile.apiKey}`)} \\`,
          `  -H 'anthropic-version: 2023-06-01' \\`,
          `  -H 'content-type: application/json' \\`,
          `  -d ${shellQuote(body)}\n`,
        ].join('\n');
      }
      const body = JSON.stringify({ model: profile.model, messages: message });
      return [
        `curl ${shellQuote(`${baseOf(profile)}/chat/completions`)} \\`,
        `  -H ${shellQuote(`Authorization: Bearer ${profile.apiKey}`)} \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d ${shellQuote(body)}\n`,
      ].join('\n');
    }
  }
}
