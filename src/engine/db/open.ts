import { type IDBPDatabase, wrap } from 'idb';
import { StateError } from '../errors';
import { DB_VERSION, type EngineDB } from './schema';

export type EngineDatabase = IDBPDatabase<EngineDB>;

function upgrade(db: EngineDatabase, oldVersion: number): void {
  if (oldVersion < 1) {
    const records = db.createObjectStore('records', { keyPath: ['collection', 'id'] });
    records.createIndex('byCollectionLive', ['collection', 'live']);
    db.createObjectStore('outbox', { keyPath: ['collection', 'id'] });
    db.createObjectStore('conflicts', { keyPath: ['collection', 'id'] });
    const history = db.createObjectStore('history', { keyPath: 'seq', autoIncrement: true });
    history.createIndex('byRecord', ['collection', 'id']);
    db.createObjectStore('quarantine', { keyPath: ['token', 'id'] });
    db.createObjectStore('activity', { keyPath: 'seq', autoIncrement: true });
    db.createObjectStore('meta');
  }
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
    upgrade(wrap(request.result) as unknown as EngineDatabase, event.oldVersion);
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
