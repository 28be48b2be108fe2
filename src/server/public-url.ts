/** Where people and devices reach this server: PUBLIC_URL, or else the origin of the request. */
import type { Context } from 'hono';
import type { Config } from './config';
import type { AppEnv } from './context';

export function publicBase(c: Context<AppEnv>, config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl ?? new URL(c.req.url).origin;
}

export function isHttps(c: Context<AppEnv>, config: Pick<Config, 'publicUrl'>): boolean {
  return publicBase(c, config).startsWith('https:');
}
