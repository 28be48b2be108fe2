/**
 * Only tombstones are indexed (version 2 of the database): a first pull writes no index entry
 * per record, and live records are counted as a collection's keys less its tombstones. Runs on
 * fake-indexeddb and in Chromium's IndexedDB.
 */
import { describe, expect, it } from 'vitest';
import { newRowKey } from '../crypto/row-seal';
import { countLive, listRecords } from '../records/read';
import { freshDbName, testIndexedDB } from '../testing/idb';
import { openEngineDatabase } from './open';
import type { RecordRow } from './schema';
import { RowSealer, rowStore, sealRowsOf } from './sealed-rows';

function row(id: string, live: 0 | 1, collection: RecordRow['collection'] = 'profiles'): RecordRow {
  const data = live ? { name: id, apiKey: `sk-${id}` } : null;
  return {
    collection,
    id,
    live,
    data,
    hlc: 'h',
    device: 'd',
    clocks: {},
    base: { rev: 1, data, hlc: 'h', device: 'd', clocks: {} },
    updatedAt: 1,
  };
}

async function put(db: Awaited<ReturnType<typeof openEngineDatabase>>, rows: RecordRow[]) {
  const tx = db.transaction('records', 'readwrite');
  for (const r of rows) await rowStore(tx, 'records').put(r);
  await tx.done;
}

const raw = (db: Awaited<ReturnType<typeof openEngineDatabase>>, id: string) =>
  db.get('records', ['profiles', id]) as Promise<Record<string, unknown> | undefined>;

describe('the tombstone index', () => {
  it.each([
    ['in the clear', false],
    ['sealed by the device lock', true],
  ])('marks tombstones only, %s, and counts and lists live records by it', async (_, sealed) => {
    const db = await openEngineDatabase(await testIndexedDB(), freshDbName('tombstones'));
    if (sealed) {
      const sealer = new RowSealer();
      sealer.useKey(newRowKey());
      sealRowsOf(db, sealer);
    }
    await put(db, [row('a', 1), row('b', 0), row('c', 1), row('p', 1, 'providers')]);
    expect((await raw(db, 'b'))?.deletedIn).toBe('profiles');
    expect(await raw(db, 'a')).not.toHaveProperty('deletedIn');
    expect(await countLive(db)).toMatchObject({ profiles: 2, providers: 1, groups: 0 });
    expect((await listRecords(db, 'profiles')).map((r) => r.id)).toEqual(['a', 'c']);

    // Revived, the mark goes; deleted, it comes.
    await put(db, [{ ...row('b', 1), deletedIn: 'profiles' }, row('c', 0)]);
    expect(await raw(db, 'b')).not.toHaveProperty('deletedIn');
    expect((await raw(db, 'c'))?.deletedIn).toBe('profiles');
    expect((await listRecords(db, 'profiles')).map((r) => r.id)).toEqual(['a', 'b']);
    expect((await countLive(db)).profiles).toBe(2);
    db.close();
  });

  it('a version 1 database moves to version 2 with its tombstones marked and counts unchanged', async () => {
    const factory = await testIndexedDB();
    const name = freshDbName('v1');
    await new Promise<void>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        const records = request.result.createObjectStore('records', {
          keyPath: ['collection', 'id'],
        });
        records.createIndex('byCollectionLive', ['collection', 'live']);
        for (const store of ['outbox', 'conflicts'])
          request.result.createObjectStore(store, { keyPath: ['collection', 'id'] });
        request.result
          .createObjectStore('history', { keyPath: 'seq', autoIncrement: true })
          .createIndex('byRecord', ['collection', 'id']);
        request.result.createObjectStore('quarantine', { keyPath: ['token', 'id'] });
        request.result.createObjectStore('activity', { keyPath: 'seq', autoIncrement: true });
        request.result.createObjectStore('meta');
        for (const r of [row('a', 1), row('b', 0), row('c', 0), row('g', 1, 'groups')])
          records.put(r);
      };
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error);
    });

    const db = await openEngineDatabase(factory, name);
    expect(db.version).toBe(2);
    expect([...db.transaction('records').store.indexNames]).toEqual(['byDeletedIn']);
    expect((await raw(db, 'b'))?.deletedIn).toBe('profiles');
    expect((await raw(db, 'c'))?.deletedIn).toBe('profiles');
    expect(await raw(db, 'a')).not.toHaveProperty('deletedIn');
    expect(await countLive(db)).toMatchObject({ profiles: 1, groups: 1 });
    expect((await listRecords(db, 'profiles')).map((r) => r.id)).toEqual(['a']);
    db.close();
  });
});
