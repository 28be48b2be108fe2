/**
 * A lying server cannot flood or wedge a device (issue 11, items 3 and 4): every answer is read
 * up to a cap the protocol's limits justify, every field has a maximum, hostile limits are refused
 * at sign-in, a feed that does not move on stops, a quarantine keeps an excerpt only, edits held
 * as too large are shown, and a refresh answered for someone else is refused. Each case checks the
 * lie is refused or reported, the device's good data is intact, and it syncs once `honest()`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/protocol';
import { newPerson } from '../rig/backend';
import {
  connect,
  newDevice,
  signIn,
  stateOf,
  syncQuiet,
  type TestDevice,
  waitFor,
} from '../rig/devices';
import { HostileServer } from '../rig/hostile-server';
import {
  gzipBomb,
  inflating,
  lazyJsonBody,
  type MemoryFigures,
  measureMemory,
  serveGzip,
} from '../rig/huge-bodies';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const MB = 1024 * 1024;
const MINUTE = 60_000;
const profile = (name: string, notes?: string) => ({
  name,
  provider: 'p',
  model: 'm',
  ...(notes === undefined ? {} : { notes }),
});

const open: TestDevice[] = [];
afterEach(async () => {
  for (const device of open.splice(0)) await device.engine.close();
});

async function device(name: string, liar?: HostileServer): Promise<TestDevice> {
  const made = await newDevice(name, liar ? { through: liar.fetch } : {});
  open.push(made);
  return made;
}

/** `a` behind the liar, `b` honest, one record of a's synced to both. */
async function pair() {
  const liar = new HostileServer();
  const person = newPerson();
  const a = await device('a', liar);
  const b = await device('b');
  const recoveryKey = (await connect(a, backend, person)) as string;
  await connect(b, backend, person, recoveryKey);
  const mine = await a.engine.create('profiles', profile('Mine'));
  await syncQuiet(a);
  await syncQuiet(b);
  return { liar, a, b, person, recoveryKey, mine };
}

async function names(device: TestDevice): Promise<string[]> {
  return (await device.engine.list('profiles')).map((p) => p.data.name).sort();
}

/** Honest again: a sync succeeds and an edit made elsewhere meanwhile arrives. */
async function syncsOnceHonest(liar: HostileServer, a: TestDevice, b: TestDevice) {
  liar.honest();
  const created = await b.engine.create('profiles', profile('After the lie'));
  await syncQuiet(b);
  const report = await a.engine.syncNow();
  expect(report.result).toBe('ok');
  expect((await a.engine.get('profiles', created.id))?.data.name).toBe('After the lie');
  expect(a.engine.getStatus().pendingEdits).toBe(0);
}

/** Rows of one of the device's stores, read beside the engine's own connection. */
async function storeRows(device: TestDevice, store: string): Promise<unknown[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = device.factory.open(device.dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

async function storedMeta(device: TestDevice, key: string): Promise<unknown> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = device.factory.open(device.dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction('meta').objectStore('meta').get(key);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

function report(what: string, figures: MemoryFigures, bodyBytes: number): void {
  console.log(
    `[hostile-bounds] ${what}: body ${(bodyBytes / MB).toFixed(0)} MB; peak growth ` +
      `heap+buffers ${(figures.heapGrowth / MB).toFixed(1)} MB, RSS ${(figures.rssGrowth / MB).toFixed(1)} MB ` +
      `(${figures.source})`,
  );
}

describe('answers are read up to a cap', () => {
  it('refuses a 50 MB change feed unread past the cap, with memory growth bounded', async () => {
    const { liar, a, b, mine } = await pair();
    const bodies: Array<() => number> = [];
    liar.forge(/^GET \/v1\/changes/, () => {
      const { body, pulled } = lazyJsonBody(50 * MB);
      bodies.push(pulled);
      return { headers: { 'content-type': 'application/json' }, raw: body };
    });
    const { result, figures } = await measureMemory(() => a.engine.syncNow());
    report('50 MB change feed', figures, 50 * MB);
    expect(result.error?.code).toBe('response_too_large');
    expect(a.engine.getStatus().state).toMatchObject({ kind: 'error' });
    // The full page and the smaller one it falls back to: each stopped at its cap.
    expect(bodies.length).toBe(2);
    for (const pulled of bodies) expect(pulled()).toBeLessThan(9 * MB);
    if (figures.source !== 'none') expect(figures.heapGrowth).toBeLessThan(25 * MB);
    expect((await a.engine.get('profiles', mine.id))?.data.name).toBe('Mine');
    await syncsOnceHonest(liar, a, b);
  });

  it('refuses a gzip bomb (≈200 KB inflating to 200 MB) as it inflates, with memory growth bounded', async () => {
    const { liar, a, b, mine } = await pair();
    const bomb = await gzipBomb(200 * MB);
    expect(bomb.byteLength).toBeLessThan(400 * 1024);
    // In Node the bomb crosses real HTTP with `content-encoding: gzip`, so fetch itself inflates
    // it. A Chromium page cannot open a server: there it is inflated by DecompressionStream, the
    // same lazy decoding a browser's fetch applies (a Response built in the page is never decoded).
    const served = await serveGzip(bomb);
    liar.forge(/^GET \/v1\/changes/, async () => {
      const raw = served ? (await globalThis.fetch(served.url)).body : inflating(bomb);
      return { headers: { 'content-type': 'application/json' }, raw };
    });
    try {
      const { result, figures } = await measureMemory(() => a.engine.syncNow());
      report(`gzip bomb of ${(bomb.byteLength / 1024).toFixed(0)} KB`, figures, 200 * MB);
      expect(result.error?.code).toBe('response_too_large');
      // Chromium's page heap (performance.memory) counts array buffers too; RSS is Node's only.
      if (figures.source !== 'none') expect(figures.heapGrowth).toBeLessThan(40 * MB);
      if (figures.source === 'node') expect(figures.rssGrowth).toBeLessThan(100 * MB);
    } finally {
      served?.close();
    }
    expect((await a.engine.get('profiles', mine.id))?.data.name).toBe('Mine');
    await syncsOnceHonest(liar, a, b);
  });

  it('refuses a declared Content-Length above the cap before reading the body', async () => {
    const { liar, a, b } = await pair();
    const { body, pulled } = lazyJsonBody(4 * MB);
    liar.forge(
      /^GET \/v1\/devices/,
      () => ({
        headers: { 'content-type': 'application/json', 'content-length': String(4 * MB) },
        raw: body,
      }),
      1,
    );
    await expect(a.engine.listDevices()).rejects.toMatchObject({ code: 'response_too_large' });
    expect(pulled()).toBeLessThanOrEqual(2 * 64 * 1024);
    expect((await a.engine.listDevices()).length).toBe(2);
    await syncsOnceHonest(liar, a, b);
  });

  it('refuses a batch answer far larger than the ops sent; the edit stays pending', async () => {
    const { liar, a, b, mine } = await pair();
    liar.forge(/^POST \/v1\/batch/, () => {
      const { body } = lazyJsonBody(30 * MB);
      return { headers: { 'content-type': 'application/json' }, raw: body };
    });
    await a.engine.update('profiles', mine.id, { model: 'edited' });
    const result = await a.engine.syncNow();
    expect(result.error?.code).toBe('response_too_large');
    expect(a.engine.getStatus().pendingEdits).toBe(1);
    expect((await a.engine.get('profiles', mine.id))?.data.model).toBe('edited');
    await syncsOnceHonest(liar, a, b);
    await syncQuiet(b);
    expect((await b.engine.get('profiles', mine.id))?.data.model).toBe('edited');
  });

  it('refuses a problem answer of megabytes as too large, not as its status', async () => {
    const { liar, a, b } = await pair();
    liar.forge(/^GET \/v1\/changes/, () => {
      const { body } = lazyJsonBody(5 * MB);
      return { status: 503, headers: { 'content-type': 'application/problem+json' }, raw: body };
    });
    const result = await a.engine.syncNow();
    expect(result.error?.code).toBe('response_too_large');
    await syncsOnceHonest(liar, a, b);
  });
});

describe('every field has a maximum', () => {
  it('refuses a device list whose names run to megabytes, naming the field', async () => {
    const { liar, a, b } = await pair();
    liar.rewrite(/^GET \/v1\/devices/, (reply) => {
      const list = reply.json as { devices: Array<{ name: string }> };
      return { json: { devices: list.devices.map((d) => ({ ...d, name: 'x'.repeat(100_000) })) } };
    });
    await expect(a.engine.listDevices()).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('devices.0.name'),
    });
    await syncsOnceHonest(liar, a, b);
    expect((await a.engine.listDevices()).every((d) => d.name.length <= 64)).toBe(true);
  });

  it('keeps only an excerpt of a refused payload in the quarantine, never the whole', async () => {
    const { liar, a, b } = await pair();
    const theirs = await b.engine.create('profiles', profile('Theirs'));
    await syncQuiet(b);
    const forged = 'A'.repeat(60_000);
    liar.rewrite(/^GET \/v1\/changes/, (reply) => {
      const page = reply.json as { changes: Array<{ id: string; payload: string }> };
      return {
        json: {
          ...page,
          changes: page.changes.map((c) => (c.id === theirs.id ? { ...c, payload: forged } : c)),
        },
      };
    });
    const result = await a.engine.syncNow();
    expect(result.result).toBe('ok');
    expect(a.engine.getStatus().quarantined).toBe(1);
    expect(await a.engine.get('profiles', theirs.id)).toBeNull();
    const rows = (await storeRows(a, 'quarantine')) as Array<{
      id: string;
      record: Record<string, unknown>;
    }>;
    expect(rows.map((row) => row.id)).toEqual([theirs.id]);
    const kept = rows[0]?.record ?? {};
    expect(kept.payload).toBeUndefined();
    expect(String(kept.payloadExcerpt).length).toBeLessThanOrEqual(128);
    expect(kept.payloadLength).toBe(60_000);
    expect(JSON.stringify(rows).length).toBeLessThan(4096);
    // Honest again: the next genuine version of the record opens and leaves the quarantine.
    liar.honest();
    await b.engine.update('profiles', theirs.id, { model: 'genuine' });
    await syncQuiet(b);
    expect((await a.engine.syncNow()).result).toBe('ok');
    expect((await a.engine.get('profiles', theirs.id))?.data.model).toBe('genuine');
    expect(a.engine.getStatus().quarantined).toBe(0);
    await syncsOnceHonest(liar, a, b);
  });
});

describe('hostile limits are refused at sign-in', () => {
  for (const [name, value] of [
    ['max_changes_limit', 0],
    ['max_payload_bytes', 1],
  ] as const) {
    it(`refuses ${name}: ${value} with limits_invalid and stores nothing`, async () => {
      const liar = new HostileServer();
      const person = newPerson();
      const a = await device('a', liar);
      liar.rewrite(/^GET \/v1\/info/, (reply) => {
        const info = reply.json as { limits: Record<string, number> };
        return { json: { ...info, limits: { ...info.limits, [name]: value } } };
      });
      await signIn(a, backend, person);
      expect(stateOf(a)).toBe('signedOut');
      expect(a.engine.getStatus().account).toBeNull();
      expect(a.engine.getStatus().lastError).toMatchObject({
        code: 'limits_invalid',
        message: expect.stringContaining(name),
      });
      expect(await storedMeta(a, 'limits')).toBeUndefined();
      expect(await storedMeta(a, 'session')).toBeUndefined();
      // The session the server issued is handed back rather than left live.
      expect(liar.log.some((line) => line.startsWith('POST /v1/auth/revoke'))).toBe(true);
      // Nothing survives a restart either.
      const again = await a.restart();
      open.push(again);
      expect(stateOf(again)).toBe('signedOut');

      liar.honest();
      await connect(again, backend, person);
      expect(await storedMeta(again, 'limits')).toEqual(DEFAULT_LIMITS);
      await again.engine.create('profiles', profile('Synced'));
      await syncQuiet(again);
      expect(again.engine.getStatus().pendingEdits).toBe(0);
    });
  }
});

describe('a feed that does not move on stops', () => {
  for (const how of ['the same cursor', 'a cursor going back'] as const) {
    it(`stops with cursor_stuck when has_more comes with ${how}, without a request loop`, async () => {
      const { liar, a, b, mine } = await pair();
      await b.engine.create('profiles', profile('Pending on the server'));
      await syncQuiet(b);
      liar.rewrite(/^GET \/v1\/changes/, (reply, request) => {
        const since = Number(request.url.searchParams.get('since'));
        const cursor = how === 'the same cursor' ? since : Math.max(0, since - 1);
        return { json: { ...(reply.json as object), cursor: String(cursor), has_more: true } };
      });
      a.net.log.length = 0;
      const result = await a.engine.syncNow();
      expect(result.error?.code).toBe('cursor_stuck');
      const pulls = a.net.log.filter((line) => line === 'GET /v1/changes').length;
      expect(pulls).toBeLessThanOrEqual(2);
      expect((await a.engine.get('profiles', mine.id))?.data.name).toBe('Mine');
      expect(await names(a)).toEqual(['Mine']);
      await syncsOnceHonest(liar, a, b);
      expect(await names(a)).toEqual(['After the lie', 'Mine', 'Pending on the server']);
    });
  }
});

describe('edits held as too large are shown', () => {
  it('counts an edit too large for the server in the status until it is shortened', async () => {
    const liar = new HostileServer();
    const person = newPerson();
    const a = await device('a', liar);
    // A server with a small (but sane) payload limit: 2 KiB.
    liar.rewrite(/^GET \/v1\/info/, (reply) => {
      const info = reply.json as { limits: Record<string, number> };
      return { json: { ...info, limits: { ...info.limits, max_payload_bytes: 2048 } } };
    });
    await connect(a, backend, person);
    liar.honest();
    const big = await a.engine.create('profiles', profile('Long notes', 'n'.repeat(5000)));
    await a.engine.create('profiles', profile('Short'));
    const result = await a.engine.syncNow();
    expect(result.result).toBe('ok');
    expect(result.tally?.tooLarge).toBe(1);
    expect(a.engine.getStatus()).toMatchObject({ tooLarge: 1, pendingEdits: 1 });
    expect((await a.engine.get('profiles', big.id))?.data.notes?.length).toBe(5000);
    await a.engine.update('profiles', big.id, { notes: 'short now' });
    await syncQuiet(a);
    expect(a.engine.getStatus()).toMatchObject({ tooLarge: 0, pendingEdits: 0 });
  });
});

describe('session identity is pinned', () => {
  for (const field of ['account_id', 'device_id'] as const) {
    it(`refuses a token refresh answering another ${field}; the device keeps its session and data`, async () => {
      const { liar, a, b, mine } = await pair();
      const before = a.engine.getStatus().account;
      liar.rewrite(/^POST \/v1\/auth\/token/, (reply) => ({
        status: reply.status,
        json: { ...(reply.json as object), [field]: '00000000-0000-4000-8000-000000000000' },
      }));
      // Past the access token's lifetime by the device's clock: the next request refreshes.
      a.clock.offsetMs = 15 * MINUTE;
      const result = await a.engine.syncNow();
      expect(result.error?.code).toBe('identity_changed');
      expect(a.engine.getStatus().account).toEqual(before);
      expect(a.engine.getStatus().lastError?.code).toBe('identity_changed');
      expect((await a.engine.get('profiles', mine.id))?.data.name).toBe('Mine');
      // Not stuck after a restart: still this account, still unlocked.
      const again = await a.restart();
      open.push(again);
      await waitFor('the restarted device to settle', () =>
        ['idle', 'error'].includes(stateOf(again)),
      );
      expect(again.engine.getStatus().account).toEqual(before);
      expect(stateOf(again)).not.toBe('needsKey');
      await syncsOnceHonest(liar, again, b);
      expect(again.engine.getStatus().account).toEqual(before);
    });
  }
});
