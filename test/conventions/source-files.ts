/** The repository's TypeScript sources, as repo-relative paths with `/`, for convention tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every .ts/.tsx file under `folder` (repo-relative), sorted; none if the folder is absent. */
export function sourceFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(repoRoot, folder), { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .map((entry) => `${folder}/${entry.split(sep).join('/')}`)
    .filter((path) => /\.tsx?$/.test(path))
    .sort();
}

export function readSource(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/** Tests and their helpers; everything else under src/ ships or serves what ships. */
export function isTestFile(path: string): boolean {
  return /\.test(-helper)?\.tsx?$/.test(path);
}
