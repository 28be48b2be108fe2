import { type IDBPDatabase, wrap } from 'idb';
import { StateError } from '../errors';
import { DB_VERSION, type EngineDB } from './schema';

export type EngineDatabase = IDBPDatabase<EngineDB>;

function upgrade(db: EngineDatabase, tx: IDBTransaction, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore('records', { keyPath: ['collection', 'id'] });
    db.createObjectStore('outbox', { keyPath: ['collection', 'id'] });
    db.createObjectStore('conflicts', { keyPath: ['collection', 'id'] });
    const history = db.createObjectStore('history', { keyPath: 'seq', autoIncrement: true });
    history.createIndex('byRecord', ['collection', 'id']);
    db.createObjectStore('quarantine', { keyPath: ['token', 'id'] });
    db.createObjectStore('activity', { keyPath: 'seq', autoIncrement: true });
    db.createObjectStore('meta');
  }
  if (oldVersion < 2) {
    // Version 1 indexed every record by collection and liveness; version 2 indexes tombstones
    // only, and counts live records as all of a collection's keys minus its tombstones.
    const records = tx.objectStore('records');
    if (records.indexNames.contains('byCollectionLive')) records.deleteIndex('byCollectionLive');
    records.createIndex('byDeletedIn', 'deletedIn');
    if (oldVersion >= 1) markTombstones(records);
  }
}

/** Writes `deletedIn` on the tombstones a version 1 database holds; `live` is never sealed. */
function markTombstones(records: IDBObjectStore): void {
  const request = records.openCursor();
  request.addEventListener('success', () => {
    const cursor = request.result;
    if (!cursor) return;
    const row = cursor.value as { collection: string; live?: number };
    if (row.live === 0) cursor.update({ ...row, deletedIn: row.collection });
    cursor.continue();
  });
}

/**
 * Opens (creating or migrating) the engine's database through an injected IDBFactory, so tests
 * can pass fake-indexeddb's and hosts the real one. idb's `openDB` always uses the global.
 */
export async function openEngineDatabase(
  factory: IDBFactory,
  name: string,
): Promise<EngineDatabase> {
  const request = factory.open(name, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    const tx = request.transaction;
    if (!tx) throw new StateError('engine_closed', `Database ${name} opened without its upgrade`);
    upgrade(wrap(request.result) as unknown as EngineDatabase, tx, event.oldVersion);
  });
  request.addEventListener('blocked', () => {
    // Another tab or worker holds an older version open; it gets `versionchange` and closes.
  });
  const db = (await wrap(request)) as unknown as EngineDatabase;
  db.addEventListener('versionchange', () => db.close());
  if (db.version !== DB_VERSION) {
    db.close();
    throw new StateError(
      'engine_closed',
      `Database ${name} has version ${db.version}, expected ${DB_VERSION}`,
    );
  }
  return db;
}
