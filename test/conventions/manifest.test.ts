/**
 * The extension's manifest asks for the Chromium its build targets, and at least 116: from 116 a
 * WebSocket's traffic keeps an MV3 worker alive, which live sync relies on (docs/PROTOCOL.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('extension manifest', () => {
  it('declares the minimum Chromium the build targets, no older than 116', () => {
    const manifest = JSON.parse(read('manifest.json')) as { minimum_chrome_version?: string };
    const target = /'chrome(\d+)'/.exec(read('vite.config.ts'))?.[1];
    expect(target).toBeDefined();
    expect(manifest.minimum_chrome_version).toBe(target);
    expect(Number(manifest.minimum_chrome_version)).toBeGreaterThanOrEqual(116);
  });
});
