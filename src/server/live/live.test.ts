/**
 * The live stream over real HTTP/WebSocket: auth by first message, pokes per account (and never
 * another's), closing on revocation (the device route, tokens revoked alone, refresh-token
 * reuse), expiry and silence, limits, origin, oversized frames, and two server processes on one
 * PostgreSQL poking each other's streams through LISTEN/NOTIFY. Booting a PGlite server costs
 * seconds, so the cases that need no settings of their own share one, each with its own account.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TokenResponse } from '../../protocol';
import { sha256Hex } from '../auth/secrets';
import { batch, call, op, putKeyDocument } from '../http/helpers';
import { createTestPostgresDatabase } from '../store/testing';
import { signInDevice, startServer, type TestServer } from '../testing';

interface Stream {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  closed: Promise<number>;
}

function open(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/live`, { headers });
  const messages: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function until<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const seen = (s: Stream, type: string) => () => s.messages.find((m) => m.type === type);

async function authed(url: string, token: string): Promise<Stream> {
  const s = await open(url);
  s.ws.send(JSON.stringify({ type: 'auth', access_token: token }));
  await until(seen(s, 'ready'));
  return s;
}

const servers: TestServer[] = [];
const streams: Stream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function boot(options: Parameters<typeof startServer>[0] = {}, databaseUrl?: string) {
  const server = await startServer({
    ...options,
    ...(databaseUrl ? { databaseUrl, config: { registration: 'open', ...options.config } } : {}),
  });
  servers.push(server);
  return server;
}

const owner = (name: string) => ({ username: name, password: `${name} password 1` });

/** A fresh account name: the shared server's accounts must not meet. */
let people = 0;
const person = (name: string) => owner(`${name}-${++people}`);

/** A laptop and a phone of one account, each holding a stream (the laptop's closed after the case). */
async function phoneAndLaptopStreams(server: TestServer) {
  const me = person('owner');
  const laptop = await signInDevice(server.url, { ...me, deviceName: 'Laptop' });
  const phone = await signInDevice(server.url, { ...me, deviceName: 'Phone' });
  const s = await authed(server.url, phone.access_token);
  const other = await authed(server.url, laptop.access_token);
  streams.push(other);
  return { laptop, phone, s, other };
}

/** The default server, shared by the cases that need nothing else (open registration). */
let shared: TestServer;
beforeAll(async () => {
  shared = await startServer({ config: { registration: 'open' } });
});
afterAll(() => shared.close());

describe('live stream (PGlite, one process)', () => {
  it('authenticates by first message, pokes its own account only, on writes, pairing and keys', async () => {
    const server = shared;
    const me = person('owner');
    const laptop = await signInDevice(server.url, { ...me, deviceName: 'Laptop' });
    const phone = await signInDevice(server.url, { ...me, deviceName: 'Phone' });
    await putKeyDocument(server.url, laptop.access_token);
    const a = await authed(server.url, laptop.access_token);
    const b = await authed(server.url, phone.access_token);
    streams.push(a, b);
    expect(a.messages[0]).toEqual({ type: 'ready', seq: 0, heartbeat_s: 20 });

    expect((await batch(server.url, laptop.access_token, [op()])).status).toBe(200);
    expect(await until(seen(a, 'seq'))).toEqual({ type: 'seq', seq: 1 });
    expect(await until(seen(b, 'seq'))).toEqual({ type: 'seq', seq: 1 });

    const keys = await call(server.url, '/v1/keys', { token: laptop.access_token });
    const put = await call(server.url, '/v1/keys', {
      method: 'PUT',
      token: laptop.access_token,
      headers: { 'if-match': String(keys.headers.get('etag')).replaceAll('"', '') },
      json: { key_document: 'bmV3', key_fingerprint: 'fp_aaaaaaaaaaaaaaaaaaaa', epoch: 1 },
    });
    if (put.status < 300) await until(seen(b, 'keys'));
  });

  it('gets exactly one seq per write', async () => {
    const server = shared;
    const mine = await signInDevice(server.url, { ...person('owner'), deviceName: 'Laptop' });
    await putKeyDocument(server.url, mine.access_token);
    const a = await authed(server.url, mine.access_token);
    streams.push(a);
    expect((await batch(server.url, mine.access_token, [op()])).status).toBe(200);
    await until(seen(a, 'seq'));
    expect(a.messages.filter((m) => m.type === 'seq')).toHaveLength(1);
  });

  it('closes a revoked device at once with 4403', async () => {
    const server = shared;
    const { laptop, s, other } = await phoneAndLaptopStreams(server);
    const devices = await call(server.url, '/v1/devices', { token: laptop.access_token });
    const list = (devices.body as { devices: Array<{ id: string; name: string }> }).devices;
    const id = list.find((d) => d.name === 'Phone')?.id;
    const revoke = await call(server.url, `/v1/devices/${id}`, {
      method: 'DELETE',
      token: laptop.access_token,
    });
    expect(revoke.status).toBeLessThan(300);
    expect(await s.closed).toBe(4403);
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes every stream of an account the owner disabled, and refuses new ones', async () => {
    const server = shared;
    const { laptop, s, other } = await phoneAndLaptopStreams(server);
    const entry = { at: Date.now(), actor: 'owner', action: 'disable', target: null, detail: null };
    await server.store.setAccountDisabled(laptop.account_id, Date.now(), entry);
    expect(await s.closed).toBe(4403);
    expect(await other.closed).toBe(4403);
    const again = await open(server.url);
    streams.push(again);
    again.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    expect(await again.closed).toBe(4403);
  });

  it('never pokes another account: not its writes, its pairings or its key document', async () => {
    const server = shared;
    const me = person('owner');
    const laptop = await signInDevice(server.url, { ...me, deviceName: 'Laptop' });
    const phone = await signInDevice(server.url, { ...me, deviceName: 'Phone' });
    const stranger = await signInDevice(server.url, { ...person('stranger'), deviceName: 'Own' });
    const mine = await authed(server.url, laptop.access_token);
    const theirs = await authed(server.url, stranger.access_token);
    streams.push(mine, theirs);

    await putKeyDocument(server.url, laptop.access_token);
    expect((await batch(server.url, laptop.access_token, [op()])).status).toBe(200);
    const pairing = await call(server.url, '/v1/pairings', {
      method: 'POST',
      token: phone.access_token,
      json: { commitment: 'C'.repeat(43), curve: 'X25519' },
    });
    expect(pairing.status).toBe(201);
    await until(seen(mine, 'keys'));
    await until(seen(mine, 'seq'));
    await until(seen(mine, 'pairing'));
    // A write of its own is a barrier: pokes of one process go out in order, so anything of the
    // other account's meant for this stream would have come before it.
    await putKeyDocument(server.url, stranger.access_token);
    expect((await batch(server.url, stranger.access_token, [op()])).status).toBe(200);
    await until(seen(theirs, 'seq'));
    expect(theirs.messages.map((m) => m.type)).toEqual(['ready', 'keys', 'seq']);
    expect(theirs.messages[2]).toEqual({ type: 'seq', seq: 1 });
  });

  it("closes with 4403 when the device's tokens are revoked without the device route", async () => {
    const server = shared;
    const { phone, s, other } = await phoneAndLaptopStreams(server);
    const grant = await server.store.findAccessToken(sha256Hex(phone.access_token), Date.now());
    await server.store.revokeDeviceTokens(grant?.deviceId as string, Date.now());
    expect(await s.closed).toBe(4403);
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 4403 when a reused refresh token flags the device compromised', async () => {
    const server = shared;
    const me = person('owner');
    const laptop = await signInDevice(server.url, { ...me, deviceName: 'Laptop' });
    const phone = await signInDevice(server.url, { ...me, deviceName: 'Phone' });
    const refresh = (token: string) =>
      call(server.url, '/v1/auth/token', {
        method: 'POST',
        json: { grant_type: 'refresh_token', refresh_token: token, client_id: 'satchel-cli' },
      });
    const second = await refresh(phone.refresh_token);
    expect(second.status).toBe(200);
    const third = await refresh((second.body as TokenResponse).refresh_token);
    expect(third.status).toBe(200);
    const s = await authed(server.url, (third.body as TokenResponse).access_token);
    const other = await authed(server.url, laptop.access_token);
    streams.push(other);
    // The first token again, two rotations on: no retry grace covers it, so it is reuse.
    expect((await refresh(phone.refresh_token)).status).toBe(400);
    expect(await s.closed).toBe(4403);
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('live stream settings (each case its own server, on PostgreSQL to boot fast)', async () => {
  const database = await createTestPostgresDatabase('satchel_live_settings');
  afterAll(() => database.drop());

  it('closes with 4401 on a bad token, on no auth within the timeout, and at token expiry', async () => {
    let now = Date.now();
    const server = await boot(
      { clock: () => now, liveTiming: { authTimeoutMs: 200 } },
      database.url,
    );
    const bad = await open(server.url);
    bad.ws.send(JSON.stringify({ type: 'auth', access_token: 'nope' }));
    expect(await bad.closed).toBe(4401);
    const silent = await open(server.url);
    expect(await silent.closed).toBe(4401);

    const laptop = await signInDevice(server.url, { ...person('owner'), deviceName: 'Laptop' });
    now += laptop.expires_in * 1000 - 300;
    const s = await authed(server.url, laptop.access_token);
    expect(await s.closed).toBe(4401);
    now += 1000;
    const late = await open(server.url);
    late.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    expect(await late.closed).toBe(4401);
  });

  it('refuses past the per-account limit with 4429, a foreign origin, and an oversized frame', async () => {
    const server = await boot({ config: { liveMaxPerAccount: 2 } }, database.url);
    const laptop = await signInDevice(server.url, { ...person('owner'), deviceName: 'Laptop' });
    streams.push(await authed(server.url, laptop.access_token));
    streams.push(await authed(server.url, laptop.access_token));
    const third = await open(server.url);
    third.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    expect(await third.closed).toBe(4429);

    await expect(open(server.url, { origin: 'https://evil.example' })).rejects.toThrow('403');
    // The app this server serves opens its stream from the server's own origin.
    const own = await open(server.url, { origin: server.url });
    own.ws.close();
    // Another port of the same host is another origin.
    const port = new URL(server.url).port;
    await expect(
      open(server.url, { origin: server.url.replace(`:${port}`, `:${Number(port) + 1}`) }),
    ).rejects.toThrow('403');

    const big = await open(server.url);
    big.ws.send('x'.repeat(10_000));
    expect(await big.closed).toBe(1009);
  });

  it('refuses past the per-address limit with 4429', async () => {
    const server = await boot({ config: { liveMaxPerAddress: 1 } }, database.url);
    const laptop = await signInDevice(server.url, { ...person('owner'), deviceName: 'Laptop' });
    streams.push(await authed(server.url, laptop.access_token));
    const second = await open(server.url);
    second.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    expect(await second.closed).toBe(4429);
  });

  it('counts streams per client address behind a trusted proxy, as REST does', async () => {
    const server = await boot({ config: { liveMaxPerAddress: 1, trustProxy: true } }, database.url);
    const laptop = await signInDevice(server.url, { ...person('owner'), deviceName: 'Laptop' });
    const via = (address: string) => ({ 'x-forwarded-for': `10.0.0.9, ${address}` });
    const first = await open(server.url, via('192.0.2.1'));
    first.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    await until(seen(first, 'ready'));
    const second = await open(server.url, via('192.0.2.2'));
    second.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    await until(seen(second, 'ready'));
    streams.push(first, second);
    const again = await open(server.url, via('192.0.2.1'));
    again.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    expect(await again.closed).toBe(4429);
  });

  it('sends heartbeats and closes a client that does not answer them', async () => {
    const server = await boot({ liveTiming: { heartbeatMs: 100 } }, database.url);
    const laptop = await signInDevice(server.url, { ...person('owner'), deviceName: 'Laptop' });
    const answering = await authed(server.url, laptop.access_token);
    streams.push(answering);
    answering.ws.on('message', (d) => {
      if (JSON.parse(String(d)).type === 'ping') answering.ws.send('{"type":"pong"}');
    });
    const silent = await authed(server.url, laptop.access_token);
    await until(seen(silent, 'ping'));
    expect(await silent.closed).toBe(1001);
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('live stream across two server processes on one PostgreSQL', async () => {
  const database = await createTestPostgresDatabase('satchel_live2p');
  afterAll(() => database.drop());

  it('a write through one pokes a stream on the other; a revocation closes it', async () => {
    const a = await boot({ databaseUrl: database.url });
    const b = await boot({ databaseUrl: database.url });
    const laptop = await signInDevice(a.url, { ...owner('owner'), deviceName: 'Laptop' });
    const phone = await signInDevice(a.url, { ...owner('owner'), deviceName: 'Phone' });
    await putKeyDocument(a.url, laptop.access_token);
    const onB = await authed(b.url, phone.access_token);
    await until(seen(onB, 'keys'), 500).catch(() => undefined);
    expect((await batch(a.url, laptop.access_token, [op()])).status).toBe(200);
    expect(await until(seen(onB, 'seq'))).toEqual({ type: 'seq', seq: 1 });

    await call(a.url, '/v1/auth/revoke', { method: 'POST', token: phone.access_token });
    expect(await onB.closed).toBe(4403);
  });

  it("tokens revoked through one process's store close the device's stream on the other", async () => {
    const a = await boot({}, database.url);
    const b = await boot({}, database.url);
    const phone = await signInDevice(a.url, { ...person('owner'), deviceName: 'Phone' });
    const onB = await authed(b.url, phone.access_token);
    const grant = await a.store.findAccessToken(sha256Hex(phone.access_token), Date.now());
    await a.store.revokeDeviceTokens(grant?.deviceId as string, Date.now());
    expect(await onB.closed).toBe(4403);
  });
});
