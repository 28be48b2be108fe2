/**
 * Small files with names that explain themselves: a file under src/ (tests aside) past 500 lines
 * is doing more than one job. The anchors' large files are declaration tables (idb `entry.ts`,
 * Hono `types.ts`) or one class behind a facade; a declaration table may be listed below, each
 * with the reason it is one table, and a split class goes behind a facade instead.
 */
import { describe, expect, test } from 'vitest';
import { isTestFile, readSource, sourceFiles } from './source-files';

const MAX_LINES = 500;

/** Path → why this file is one declaration table that reads best whole. */
const DECLARATION_TABLES: Record<string, string> = {};

function lineCount(text: string): number {
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

const files = sourceFiles('src').filter((path) => !isTestFile(path));
const sizes = new Map(files.map((path) => [path, lineCount(readSource(path))]));

describe('file size', () => {
  test(`no file under src/ outside tests is longer than ${MAX_LINES} lines`, () => {
    const tooLong = files
      .filter((path) => (sizes.get(path) ?? 0) > MAX_LINES && !(path in DECLARATION_TABLES))
      .map((path) => `${path}: ${sizes.get(path)} lines`);
    expect(tooLong, `longer than ${MAX_LINES} lines:\n${tooLong.join('\n')}`).toEqual([]);
  });

  test('every allowed declaration table exists, is long, and says why', () => {
    const stale = Object.entries(DECLARATION_TABLES)
      .filter(([path, reason]) => (sizes.get(path) ?? 0) <= MAX_LINES || reason.trim() === '')
      .map(([path]) => path);
    expect(stale, `allow-list entries to remove or explain:\n${stale.join('\n')}`).toEqual([]);
  });
});
