import { describe, expect, it } from 'vitest';
import { newRowKey } from '../crypto/row-seal';
import { countLive } from '../records/read';
import { freshDbName, testIndexedDB } from '../testing/idb';
import { openEngineDatabase } from './open';
import type { RecordRow } from './schema';
import { RowSealer, readRows, rewriteRows, rowStore, sealRowsOf } from './sealed-rows';

function record(id: string, apiKey: string): RecordRow {
  return {
    collection: 'profiles',
    id,
    live: 1,
    data: { name: id, apiKey },
    hlc: 'h',
    device: 'd',
    clocks: {},
    base: { rev: 1, data: { name: id, apiKey }, hlc: 'h', device: 'd', clocks: {} },
    updatedAt: 1,
  };
}

async function setUp() {
  const db = await openEngineDatabase(await testIndexedDB(), freshDbName('rows'));
  const sealer = new RowSealer();
  sealer.useKey(newRowKey());
  sealRowsOf(db, sealer);
  return { db, sealer };
}

/** The row as the browser stores it, read past the engine. */
function rawRow(db: Awaited<ReturnType<typeof setUp>>['db'], id: string) {
  return db.get('records', ['profiles', id]) as Promise<Record<string, unknown> | undefined>;
}

describe('sealed rows', () => {
  it('stores only the key and index fields in the clear and reads the row back whole', async () => {
    const { db } = await setUp();
    const tx = db.transaction(['records', 'history'], 'readwrite');
    await rowStore(tx, 'records').put(record('a', 'sk-secret-a'));
    await rowStore(tx, 'history').add({
      collection: 'profiles',
      id: 'a',
      data: { apiKey: 'sk-old-a' },
      hlc: 'h',
      device: 'd',
      replacedBy: 'local',
      at: 1,
    });
    await tx.done;
    const stored = await rawRow(db, 'a');
    expect(Object.keys(stored ?? {}).sort()).toEqual(['collection', 'id', 'live', 'sealed']);
    expect(JSON.stringify(await db.getAll('history'))).not.toContain('sk-old-a');
    expect(await readRows(db, 'records').get(['profiles', 'a'])).toEqual(
      record('a', 'sk-secret-a'),
    );
    const history = await readRows(db, 'history').index('byRecord').getAll(['profiles', 'a']);
    expect(history.map((row) => [row.seq, row.data])).toEqual([[1, { apiKey: 'sk-old-a' }]]);
    // Live records are still counted without opening anything.
    expect((await countLive(db)).profiles).toBe(1);
    db.close();
  });

  it('refuses a sealed row moved onto another record, and aborts the transaction it was read in', async () => {
    const { db } = await setUp();
    const tx = db.transaction('records', 'readwrite');
    await rowStore(tx, 'records').put(record('a', 'sk-a'));
    await rowStore(tx, 'records').put(record('b', 'sk-b'));
    await tx.done;
    const a = await rawRow(db, 'a');
    await db.put('records', { ...(a as object), id: 'b' } as never);

    const write = db.transaction('records', 'readwrite');
    const store = rowStore(write, 'records');
    await store.put(record('c', 'sk-c'));
    await expect(store.get(['profiles', 'b'])).rejects.toMatchObject({
      code: 'stored_row_damaged',
    });
    await expect(write.done).rejects.toBeDefined();
    // Nothing of the half-made change landed.
    expect(await rawRow(db, 'c')).toBeUndefined();
    db.close();
  });

  it('refuses to read or write while the key is forgotten (locked), and reads rows stored in the clear', async () => {
    const { db, sealer } = await setUp();
    await db.put('records', record('plain', 'sk-plain'));
    const tx = db.transaction('records', 'readwrite');
    await rowStore(tx, 'records').put(record('a', 'sk-a'));
    await tx.done;
    sealer.forget();
    expect((await readRows(db, 'records').get(['profiles', 'plain']))?.data).toEqual({
      name: 'plain',
      apiKey: 'sk-plain',
    });
    await expect(readRows(db, 'records').get(['profiles', 'a'])).rejects.toMatchObject({
      code: 'device_locked',
    });
    const write = db.transaction('records', 'readwrite');
    await expect(
      (async () => rowStore(write, 'records').put(record('b', 'sk-b')))(),
    ).rejects.toMatchObject({ code: 'device_locked' });
    await write.done.catch(() => undefined);
    expect(await rawRow(db, 'b')).toBeUndefined();
    db.close();
  });

  it('rewrites every row sealed when sealing, and in the clear when not', async () => {
    const { db, sealer } = await setUp();
    sealRowsOf(db, null);
    for (const id of ['a', 'b']) await db.put('records', record(id, `sk-${id}`));
    sealRowsOf(db, sealer);
    const seal = db.transaction(['records', 'conflicts', 'history'], 'readwrite');
    expect(await rewriteRows(seal)).toBe(2);
    await seal.done;
    expect(JSON.stringify(await db.getAll('records'))).not.toContain('sk-');

    sealer.sealing = false;
    const clear = db.transaction(['records', 'conflicts', 'history'], 'readwrite');
    await rewriteRows(clear);
    await clear.done;
    sealRowsOf(db, null);
    expect(await db.get('records', ['profiles', 'b'])).toEqual(record('b', 'sk-b'));
    db.close();
  });

  it('rewrites past a page of rows, each once', async () => {
    const { db, sealer } = await setUp();
    sealRowsOf(db, null);
    const fill = db.transaction('records', 'readwrite');
    for (let i = 0; i < 2_001; i += 1) void fill.store.put(record(`r${i}`, `sk-${i}`));
    await fill.done;
    sealRowsOf(db, sealer);
    const seal = db.transaction(['records', 'conflicts', 'history'], 'readwrite');
    expect(await rewriteRows(seal)).toBe(2_001);
    await seal.done;
    const stored = (await db.getAll('records')) as unknown as Array<Record<string, unknown>>;
    expect(stored).toHaveLength(2_001);
    expect(stored.filter((row) => !(row.sealed instanceof Uint8Array))).toEqual([]);
    db.close();
  });
});
