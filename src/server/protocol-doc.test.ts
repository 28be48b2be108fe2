/**
 * Keeps docs/PROTOCOL.md in step with the code: every error code with its status, every OAuth
 * error, every route, every field of every wire schema, every limit and every option must be in
 * it. (What the server does with them is proven by the HTTP tests.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OAUTH_ERRORS, PROBLEM_STATUS } from '../protocol';
import * as schemas from '../protocol/schemas';
import { createApp } from './app';
import { DEFAULT_CONFIG, helpText } from './config';
import { openStore } from './store';

const doc = readFileSync(fileURLToPath(new URL('../../docs/PROTOCOL.md', import.meta.url)), 'utf8');

/** The table rows of the doc whose first cell is `name`, as arrays of cells. */
function rows(name: string): string[][] {
  return doc
    .split('\n')
    .filter((line) => line.startsWith(`| \`${name}\` |`))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe('docs/PROTOCOL.md', () => {
  it.each(Object.entries(PROBLEM_STATUS))(
    'lists problem code %s with status %i',
    (code, status) => {
      expect(rows(code).some((cells) => cells[1] === String(status))).toBe(true);
    },
  );

  it.each(OAUTH_ERRORS.map((error) => [error]))('lists OAuth error %s', (error) => {
    const status = error === 'invalid_client' ? '401' : '400';
    expect(rows(error).some((cells) => cells[1] === status)).toBe(true);
  });

  it('documents exactly the routes the server registers', async () => {
    const store = await openStore({});
    try {
      const app = createApp({ store, config: { ...DEFAULT_CONFIG, logLevel: 'silent' } });
      const registered = new Set(
        app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`),
      );
      const documented = new Set(
        [...doc.matchAll(/^### `((?:GET|POST|PUT|PATCH|DELETE) \S+)`$/gm)].map((m) => m[1]),
      );
      expect([...documented].sort()).toEqual([...registered].sort());
    } finally {
      await store.close();
    }
  });

  it('names every field of every wire schema', () => {
    const missing: string[] = [];
    for (const [name, schema] of Object.entries(schemas)) {
      const entries = (schema as { type?: string; entries?: Record<string, unknown> }).entries;
      if ((schema as { type?: string }).type !== 'strict_object' || !entries) continue;
      for (const field of Object.keys(entries)) {
        if (!doc.includes(`\`${field}\``) && !doc.includes(`\`ops[].${field}\``)) {
          missing.push(`${name}.${field}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists every limit with its default', () => {
    for (const [name, value] of Object.entries(schemas.DEFAULT_LIMITS)) {
      expect(
        rows(name).some((cells) => cells[1]?.startsWith(String(value))),
        name,
      ).toBe(true);
    }
  });

  it('lists every command-line option with its environment variable', () => {
    const options = [...helpText().matchAll(/--([a-z-]+) <value>\s+.*\n\s+env (\w+)/g)];
    expect(options.length).toBeGreaterThan(20);
    for (const [, flag, env] of options) {
      expect(
        rows(`--${flag}`).some((cells) => cells[1] === `\`${env}\``),
        flag,
      ).toBe(true);
    }
  });
});
