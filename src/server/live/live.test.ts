/**
 * The live stream over real HTTP/WebSocket: auth by first message, pokes per account, closing on
 * revocation, expiry and silence, limits, origin, oversized frames, and two server processes on
 * one PostgreSQL poking each other's streams through LISTEN/NOTIFY.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
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

async function boot(options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(options);
  servers.push(server);
  return server;
}

const owner = (name: string) => ({ username: name, password: `${name} password 1` });

describe('live stream (PGlite, one process)', () => {
  it('authenticates by first message, pokes its own account only, on writes, pairing and keys', async () => {
    const server = await boot();
    const laptop = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Laptop' });
    const phone = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Phone' });
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
    const server = await boot({ config: { registration: 'open' } });
    const mine = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Laptop' });
    await putKeyDocument(server.url, mine.access_token);
    const a = await authed(server.url, mine.access_token);
    streams.push(a);
    expect((await batch(server.url, mine.access_token, [op()])).status).toBe(200);
    await until(seen(a, 'seq'));
    expect(a.messages.filter((m) => m.type === 'seq')).toHaveLength(1);
  });

  it('closes with 4401 on a bad token, on no auth within the timeout, and at token expiry', async () => {
    let now = Date.now();
    const server = await boot({ clock: () => now, liveTiming: { authTimeoutMs: 200 } });
    const bad = await open(server.url);
    bad.ws.send(JSON.stringify({ type: 'auth', access_token: 'nope' }));
    expect(await bad.closed).toBe(4401);
    const silent = await open(server.url);
    expect(await silent.closed).toBe(4401);

    const laptop = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Laptop' });
    now += laptop.expires_in * 1000 - 300;
    const s = await authed(server.url, laptop.access_token);
    expect(await s.closed).toBe(4401);
    now += 1000;
    const late = await open(server.url);
    late.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    expect(await late.closed).toBe(4401);
  });

  it('closes a revoked device at once with 4403', async () => {
    const server = await boot();
    const laptop = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Laptop' });
    const phone = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Phone' });
    const s = await authed(server.url, phone.access_token);
    const other = await authed(server.url, laptop.access_token);
    streams.push(other);
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

  it('refuses past the per-account limit with 4429, a foreign origin, and an oversized frame', async () => {
    const server = await boot({ config: { liveMaxPerAccount: 2 } });
    const laptop = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Laptop' });
    streams.push(await authed(server.url, laptop.access_token));
    streams.push(await authed(server.url, laptop.access_token));
    const third = await open(server.url);
    third.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    expect(await third.closed).toBe(4429);

    await expect(open(server.url, { origin: 'https://evil.example' })).rejects.toThrow('403');

    const big = await open(server.url);
    big.ws.send('x'.repeat(10_000));
    expect(await big.closed).toBe(1009);
  });

  it('refuses past the per-address limit with 4429', async () => {
    const server = await boot({ config: { liveMaxPerAddress: 1 } });
    const laptop = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Laptop' });
    streams.push(await authed(server.url, laptop.access_token));
    const second = await open(server.url);
    second.ws.send(JSON.stringify({ type: 'auth', access_token: laptop.access_token }));
    expect(await second.closed).toBe(4429);
  });

  it('sends heartbeats and closes a client that does not answer them', async () => {
    const server = await boot({ liveTiming: { heartbeatMs: 100 } });
    const laptop = await signInDevice(server.url, { ...owner('owner'), deviceName: 'Laptop' });
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
});
