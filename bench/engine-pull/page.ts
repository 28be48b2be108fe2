/**
 * The benchmark page: a real engine on the browser's IndexedDB, and the floor (the same data
 * fetched, decrypted and put into IndexedDB with nothing else). Driven by bench/engine-pull.ts
 * through `window.satchelBench`.
 */
import { openDB } from 'idb';
import { createEngine, type Engine, systemClock, systemScheduler } from '../../src/engine';
import { createSeedCipher, type KeysMeta } from '../../src/engine/testing/seed';
import type { ChangesResponse } from '../../src/protocol';

interface Device {
  engine: Engine;
  requests: number;
}

/** KeysMeta with its byte arrays as plain arrays: what survives page.evaluate. */
export type SerializedKeys = Omit<KeysMeta, 'master' | 'tokenRoot'> & {
  master: number[];
  tokenRoot: number[];
};

/** The packed floor: records per IndexedDB value (the layout the issue measured at a fifth). */
const PACKED_PER_VALUE = 100;

const devices = new Map<string, Device>();

function waitForState(engine: Engine, kinds: string[], timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${kinds.join('/')}`)),
      timeoutMs,
    );
    const check = () => {
      const state = engine.getStatus().state;
      const ready = state.kind === 'needsKey' ? state.mode !== null : true;
      if (kinds.includes(state.kind) && ready) {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    };
    const unsubscribe = engine.subscribe(check);
    check();
  });
}

const bench = {
  /** A new device: its own database, automatic sync off so only measured runs sync. */
  async newDevice(name: string, serverUrl: string): Promise<string> {
    const device: Device = { engine: undefined as unknown as Engine, requests: 0 };
    device.engine = createEngine({
      dbName: `bench-${name}-${crypto.randomUUID()}`,
      clientId: 'satchel-pwa',
      indexedDB,
      fetch: (input, init) => {
        device.requests += 1;
        return fetch(input, init);
      },
      clock: systemClock,
      scheduler: systemScheduler,
    });
    await device.engine.ready;
    await device.engine.updateSettings({ autoSync: false });
    devices.set(name, device);
    const state = await device.engine.signIn({ serverUrl, deviceName: name, platform: 'bench' });
    if (state.kind !== 'signingIn') throw new Error(`expected signingIn, got ${state.kind}`);
    return state.userCode;
  },

  async unlock(name: string, recoveryKey: string): Promise<void> {
    const { engine } = devices.get(name) as Device;
    await waitForState(engine, ['needsKey']);
    await engine.unlock({ recoveryKey });
  },

  /** Turns the device lock on (its rows are then sealed at rest); returns the time it took. */
  async lock(name: string, passphrase: string): Promise<number> {
    const { engine } = devices.get(name) as Device;
    const started = performance.now();
    await engine.setDeviceLock({ method: 'passphrase', secret: passphrase });
    return performance.now() - started;
  },

  /** One measured "sync now": wall time, requests made, records live afterwards. */
  async sync(name: string): Promise<{ ms: number; requests: number; records: number }> {
    const device = devices.get(name) as Device;
    const before = device.requests;
    const started = performance.now();
    const report = await device.engine.syncNow();
    const ms = performance.now() - started;
    if (report.result !== 'ok') throw new Error(`sync ${report.result}: ${report.error?.code}`);
    const counts = device.engine.getStatus().counts;
    const records = Object.values(counts).reduce((sum, n) => sum + n, 0);
    return { ms, requests: device.requests - before, records };
  },

  async close(name: string): Promise<void> {
    await devices.get(name)?.engine.close();
    devices.delete(name);
  },

  /**
   * The floor: page by page, fetch the change feed, decrypt every record, and put the plaintext
   * into a plain object store (one transaction per page). No validation, merge or bookkeeping.
   */
  async floor(
    serverUrl: string,
    accessToken: string,
    keys: SerializedKeys,
    pageSize: number,
    /**
     * `engine` (investigation, BENCH_FLOOR=engine): rows shaped as the engine stores them (with
     * the synced base and the collection/live index) and a read before each write.
     */
    shape: 'plain' | 'engine' | 'engine-noindex' | 'engine-noread' | 'packed' = 'plain',
  ): Promise<{ ms: number; requests: number; records: number }> {
    const cipher = await createSeedCipher(
      { ...keys, master: new Uint8Array(keys.master), tokenRoot: new Uint8Array(keys.tokenRoot) },
      'floor',
    );
    const db = await openDB(`bench-floor-${crypto.randomUUID()}`, 1, {
      upgrade(database) {
        if (shape === 'packed') {
          database.createObjectStore('records');
          return;
        }
        const store = database.createObjectStore('records', { keyPath: ['collection', 'id'] });
        if (shape === 'engine' || shape === 'engine-noread')
          store.createIndex('byCollectionLive', ['collection', 'live']);
      },
    });
    const started = performance.now();
    let since = '0';
    let requests = 0;
    let records = 0;
    for (;;) {
      const response = await fetch(`${serverUrl}/v1/changes?since=${since}&limit=${pageSize}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      requests += 1;
      if (!response.ok) throw new Error(`GET /v1/changes answered ${response.status}`);
      // Parsed, not validated: validation is part of what the engine does above the floor.
      const page = (await response.json()) as ChangesResponse;
      // The engines measured beside it publish state manifests into the same feed: not records.
      const opened = await Promise.all(
        page.changes.filter((remote) => cipher.isRecord(remote)).map((r) => cipher.open(r)),
      );
      const tx = db.transaction('records', 'readwrite');
      if (shape === 'packed')
        for (let at = 0; at < opened.length; at += PACKED_PER_VALUE)
          void tx.store.put(opened.slice(at, at + PACKED_PER_VALUE), `${since}/${at}`);
      else if (shape === 'plain') for (const record of opened) void tx.store.put(record);
      else
        await Promise.all(
          opened.map(async (record) => {
            if (shape !== 'engine-noread') await tx.store.get([record.collection, record.id]);
            const { rev, ...state } = record;
            await tx.store.put({
              ...state,
              live: record.data === null ? 0 : 1,
              clocks: { ...record.clocks },
              base: {
                rev,
                data: record.data,
                hlc: record.hlc,
                device: record.device,
                clocks: record.clocks,
              },
              updatedAt: Date.now(),
            });
          }),
        );
      await tx.done;
      records += opened.length;
      since = page.cursor;
      if (!page.has_more) break;
    }
    const ms = performance.now() - started;
    db.close();
    return { ms, requests, records };
  },
};

declare global {
  interface Window {
    satchelBench: typeof bench;
  }
}
window.satchelBench = bench;
