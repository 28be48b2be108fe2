/**
 * The IndexedDB the engine's tests run on: the browser's real one in vitest's Chromium project,
 * fake-indexeddb in Node. The same test files run in both; each test uses a fresh database name.
 */
import { randomId } from '../ids';

export async function testIndexedDB(): Promise<IDBFactory> {
  if (typeof globalThis.indexedDB === 'undefined') {
    // Installs fake-indexeddb's IDBFactory, IDBKeyRange, ... as globals (idb checks instanceof them).
    await import('fake-indexeddb/auto');
  }
  return globalThis.indexedDB;
}

export function freshDbName(prefix = 'satchel-test'): string {
  return `${prefix}-${randomId(8)}`;
}

/** True when running in the real browser (vitest's Chromium project). */
export const inRealBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';
