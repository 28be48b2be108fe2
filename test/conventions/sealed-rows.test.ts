/**
 * With the device lock on, the records' plaintext is stored sealed, and only
 * src/engine/db/sealed-rows.ts `rowStore()` / `readRows()` seal and open it. A read or write of
 * `records`, `conflicts` or `history` that goes around them would store a secret in the clear
 * (or read a sealed row as if it were one), so this finds every such access in the engine.
 */
import { describe, expect, it } from 'vitest';
import { isTestFile, readSource, sourceFiles } from './source-files';

const SEALED = '(records|conflicts|history)';
const AROUND = [
  // tx.objectStore('records')
  new RegExp(`\\.objectStore\\(\\s*'${SEALED}'`),
  // db.get('history', …), db.getAll('conflicts'), db.put('records', …), db.getAllFromIndex(…)
  new RegExp(
    `\\.(get|getAll|put|add|getFromIndex|getAllFromIndex|openCursor|iterate)\\(\\s*'${SEALED}'`,
  ),
  // db.transaction('records').store: the one store of a transaction, reached unsealed
  new RegExp(`\\.transaction\\(\\s*'${SEALED}'[^)]*\\)\\s*\\.store`),
];
const ALLOWED = new Set([
  'src/engine/db/sealed-rows.ts',
  // Migrations run before any row can be opened, and touch only fields stored in the clear.
  'src/engine/db/open.ts',
]);

describe('sealed rows', () => {
  it('the engine reaches the record, conflict and history stores only through rowStore()', () => {
    const offences: string[] = [];
    for (const path of sourceFiles('src/engine')) {
      if (isTestFile(path) || ALLOWED.has(path) || path.startsWith('src/engine/testing/')) continue;
      readSource(path)
        .split('\n')
        .forEach((line, index) => {
          if (AROUND.some((pattern) => pattern.test(line)))
            offences.push(`${path}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(offences).toEqual([]);
  });

  it('catches each way around it', () => {
    const lines = [
      "const row = await tx.objectStore('records').get(key);",
      "await ctx.db.getAll('conflicts');",
      "await db.getAllFromIndex('history', 'byRecord', key);",
      "const store = ctx.db.transaction('records').store;",
    ];
    for (const line of lines) expect(AROUND.some((pattern) => pattern.test(line))).toBe(true);
    expect(AROUND.some((pattern) => pattern.test("rowStore(tx, 'records').get(key)"))).toBe(false);
  });
});
