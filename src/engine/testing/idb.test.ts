import { describe, expect, it } from 'vitest';
import { openEngineDatabase } from '../db/open';
import { freshDbName, inRealBrowser, testIndexedDB } from './idb';

// The Chromium project is only worth having if the engine really runs on the browser's own
// IndexedDB there: this fails if fake-indexeddb ever slips into the browser run.
describe('the IndexedDB the engine tests run on', () => {
  it('is the native one in the browser and fake-indexeddb in Node', async () => {
    const factory = await testIndexedDB();
    if (inRealBrowser) {
      expect(navigator.userAgent).toMatch(/Chrome\//);
      expect(Object.prototype.toString.call(factory)).toBe('[object IDBFactory]');
      expect(Function.prototype.toString.call(factory.open)).toContain('[native code]');
    } else {
      expect(factory.constructor.name).toBe('FDBFactory');
    }
  });

  it('holds an engine database under the name it was given', async () => {
    const factory = await testIndexedDB();
    const name = freshDbName('idb-check');
    const db = await openEngineDatabase(factory, name);
    db.close();
    const names = (await factory.databases()).map((info) => info.name);
    expect(names).toContain(name);
  });
});
