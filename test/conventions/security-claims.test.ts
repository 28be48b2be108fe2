/**
 * docs/SECURITY.md names, for every claim, the test that checks it. A renamed or deleted test
 * would leave a claim standing on nothing, so this reads every test file and test title the page
 * names and checks each still exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const DOC = 'docs/SECURITY.md';

function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return /\.(test|spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

const ALL = ['src', 'test', 'e2e'].flatMap(testFiles).map((p) => relative('.', p));

/** The page names files by path or by a unique-enough tail (`key-document/rotation.test.ts`). */
function candidates(named: string): string[] {
  return ALL.filter((path) => path === named || path.endsWith(`/${named}`));
}

/** Whitespace collapsed, escapes dropped and apostrophes made plain, so wrapped lines compare. */
const flat = (text: string) => text.replace(/\\/g, '').replace(/[’‘]/g, "'").replace(/\s+/g, ' ');

/** "…" in a cited title stands for words left out: each piece must appear, in order. */
function citedIn(text: string, title: string): boolean {
  let from = 0;
  for (const piece of title.split('…').map((p) => p.trim())) {
    if (!piece) continue;
    const at = text.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

interface Citation {
  file: string;
  titles: string[];
}

function citations(): Citation[] {
  const doc = flat(readFileSync(join(ROOT, DOC), 'utf8'));
  const found: Citation[] = [];
  const pattern = /`([^`\s]+\.(?:test|spec)\.ts)`((?:\s*›\s*(?:"[^"]*"\s*,?\s*)+)?)/g;
  for (const match of doc.matchAll(pattern)) {
    const titles = [...(match[2] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
    found.push({ file: match[1] ?? '', titles });
  }
  return found;
}

describe(`${DOC} cites tests that exist`, () => {
  const cited = citations();

  it('cites tests at all (the parser still reads the page)', () => {
    expect(cited.length).toBeGreaterThan(40);
  });

  it('every row of a table with a "checked by" column names a test, or says why it has none', () => {
    const lines = readFileSync(join(ROOT, DOC), 'utf8').split('\n');
    const bare: string[] = [];
    let column = -1;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        column = -1;
        continue;
      }
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      if (column < 0) {
        column = cells.indexOf('checked by');
        continue;
      }
      const cell = cells[column] ?? '';
      if (/^-+$/.test(cell)) continue;
      const named = /`[^`]+\.(test|spec)\.ts`/.test(cell) || /\*\*untested\*\*|^—$/.test(cell);
      if (!named) bare.push(line.slice(0, 80));
    }
    expect(bare).toEqual([]);
  });

  it.each(cited.map((c) => [c.file, c] as const))('%s', (_file, { file, titles }) => {
    const files = candidates(file);
    expect(files, `${DOC} names ${file}, which no test file matches`).not.toEqual([]);
    const texts = files.map((path) => flat(readFileSync(join(ROOT, path), 'utf8')));
    for (const title of titles) {
      expect(
        texts.some((text) => citedIn(text, title)),
        `${DOC} cites "${title}" in ${file}, and no test there has that title`,
      ).toBe(true);
    }
  });
});
