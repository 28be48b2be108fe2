import { openDB } from 'idb';
import type { ServerSetting } from '../../host/host';

const DB_NAME = 'satchel-app';
const STORE = 'settings';
const KEY = 'serverUrl';

/**
 * The server address chosen while signed out (the engine only records one once signed in). Kept
 * in IndexedDB, the only storage a service worker has, apart from the engine's own database so
 * the engine's schema stays the engine's.
 */
function open() {
  return openDB(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore(STORE);
    },
  });
}

/**
 * Until the person picks one: the server that served this app, which is the usual setup (the
 * sync server hosts the app at its root).
 */
function defaultServer(): string {
  return self.location.origin;
}

export const serverSetting: ServerSetting = {
  async read() {
    const db = await open();
    try {
      const value: unknown = await db.get(STORE, KEY);
      return typeof value === 'string' && value ? value : defaultServer();
    } finally {
      db.close();
    }
  },
  async write(url) {
    const db = await open();
    try {
      await db.put(STORE, url, KEY);
    } finally {
      db.close();
    }
  },
};
