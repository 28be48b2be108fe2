/**
 * Pairing over HTTP: a new device N (signed in, no key yet) and an existing device E of the same
 * account exchange opaque values through the server, which only relays them. Every step is
 * single use, in order, by the right device, and expires; the server's clock is injected so
 * expiry and throttle windows pass without waiting.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PAIRING_BUNDLE_MAX_CHARS, type TokenResponse, validate } from '../../protocol';
import { Pairing, PairingList } from '../../protocol/schemas';
import type { Config } from '../config';
import { createInvite, signInDevice, startServer, type TestServer } from '../testing';
import { type Call, call, OWNER } from './helpers';

const TTL_S = 300;
const COMMITMENT = 'C'.repeat(43);
const OFFER = { public_key: 'E'.repeat(87), nonce: 'e'.repeat(43) };
const REVEAL = { public_key: 'N'.repeat(87), nonce: 'n'.repeat(43), confirmation: 'm'.repeat(43) };
const BUNDLE = 'c2VhbGVkLWJ1bmRsZQ';
const CONFIRM = { confirmation: 'k'.repeat(43) };

let offsetMs = 0;

async function serverWith(config: Partial<Config> = {}): Promise<TestServer> {
  return startServer({
    clock: () => Date.now() + offsetMs,
    config: { pairingTtlS: TTL_S, pairingMaxPerAccount: 1000, pairingMaxOpen: 100, ...config },
  });
}

function device(server: TestServer, name: string): Promise<TokenResponse> {
  return signInDevice(server.url, { ...OWNER, deviceName: name, platform: `${name} platform` });
}

function api(server: TestServer) {
  const post = (token: TokenResponse, path: string, json?: unknown) =>
    call(server.url, path, { method: 'POST', token: token.access_token, json });
  return {
    create: (t: TokenResponse, json: unknown = { commitment: COMMITMENT, curve: 'X25519' }) =>
      post(t, '/v1/pairings', json),
    list: (t: TokenResponse) => call(server.url, '/v1/pairings', { token: t.access_token }),
    get: (t: TokenResponse, id: string) =>
      call(server.url, `/v1/pairings/${id}`, { token: t.access_token }),
    offer: (t: TokenResponse, id: string, json: unknown = OFFER) =>
      post(t, `/v1/pairings/${id}/offer`, json),
    reveal: (t: TokenResponse, id: string, json: unknown = REVEAL) =>
      post(t, `/v1/pairings/${id}/reveal`, json),
    confirm: (t: TokenResponse, id: string, json: unknown = CONFIRM) =>
      post(t, `/v1/pairings/${id}/confirm`, json),
    approve: (t: TokenResponse, id: string, json: unknown = { bundle: BUNDLE }) =>
      post(t, `/v1/pairings/${id}/approve`, json),
    complete: (t: TokenResponse, id: string) => post(t, `/v1/pairings/${id}/complete`, {}),
    deny: (t: TokenResponse, id: string) => post(t, `/v1/pairings/${id}/deny`, {}),
    pending: async (t: TokenResponse) =>
      (await call(server.url, '/v1/changes', { token: t.access_token })).body.pending_pairings,
  };
}

function expectProblem(result: Call, status: number, code: string, detail?: RegExp): void {
  expect(result.status, result.text).toBe(status);
  expect(result.headers.get('content-type')).toContain('application/problem+json');
  expect(result.body.code).toBe(code);
  if (detail) expect(result.body.detail).toMatch(detail);
}

afterEach(() => {
  offsetMs = 0;
});

/**
 * A server of its own for a describe block, with the named devices of the owner's account
 * signed in up front: signing in is slow, and hooks have a longer timeout than tests.
 */
function serverWithDevices(config: Partial<Config>, names: string[]) {
  const ctx = {} as {
    server: TestServer;
    p: ReturnType<typeof api>;
    d: Record<string, TokenResponse>;
  };
  beforeAll(async () => {
    ctx.server = await serverWith(config);
    ctx.p = api(ctx.server);
    ctx.d = {};
    for (const name of names) ctx.d[name] = await device(ctx.server, name);
  });
  afterAll(() => ctx.server?.close());
  return ctx;
}

function take(d: Record<string, TokenResponse>, name: string): TokenResponse {
  const token = d[name];
  if (!token) throw new Error(`fixture: no device ${name}`);
  return token;
}

describe('pairing between two devices of one account', () => {
  let server: TestServer;
  let n: TokenResponse;
  let e: TokenResponse;
  let f: TokenResponse;
  let p: ReturnType<typeof api>;
  let mallory: TokenResponse;

  beforeAll(async () => {
    server = await serverWith();
    e = await device(server, 'Laptop');
    f = await device(server, 'Tablet');
    n = await device(server, 'Phone');
    p = api(server);
    const invite = await createInvite(server.url, OWNER);
    mallory = await signInDevice(server.url, {
      username: 'mallory',
      password: 'mallory password 1',
      invite,
      deviceName: 'Mallory',
    });
  });
  afterAll(() => server.close());

  it('relays the new device’s confirmation: by the requester only, once, while revealed', async () => {
    const id = (await p.create(n)).body.id;
    expectProblem(await p.confirm(n, id), 409, 'pairing_state');
    expect((await p.offer(e, id)).status).toBe(200);
    expect((await p.reveal(n, id)).status).toBe(200);
    expectProblem(await p.confirm(e, id), 409, 'pairing_state', /requesting device/);
    expectProblem(await p.confirm(n, id, { confirmation: '!' }), 400, 'invalid_request');
    const confirmed = await p.confirm(n, id);
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body).toMatchObject({ state: 'revealed', confirmation: CONFIRM.confirmation });
    expect(validate(Pairing, confirmed.body).ok).toBe(true);
    expectProblem(await p.confirm(n, id, { confirmation: 'j'.repeat(43) }), 409, 'pairing_state');
    expect((await p.get(e, id)).body.confirmation).toBe(CONFIRM.confirmation);
    expect((await p.approve(e, id)).status).toBe(200);
  });

  it('runs the whole relay: create, offer, reveal, approve, fetch the bundle, complete', async () => {
    const created = await p.create(n);
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const id = created.body.id;
    expect(created.headers.get('location')).toBe(`/v1/pairings/${id}`);
    expect(validate(Pairing, created.body).ok).toBe(true);
    expect(created.body).toEqual({
      id: expect.any(String),
      state: 'pending',
      curve: 'X25519',
      commitment: COMMITMENT,
      requester: { device_id: n.device_id, name: 'Phone', platform: 'Phone platform' },
      approver: null,
      offer: null,
      reveal: null,
      confirmation: null,
      bundle: null,
      created_at: expect.any(String),
      expires_at: expect.any(String),
    });
    expect(Date.parse(created.body.expires_at) - Date.parse(created.body.created_at)).toBe(
      TTL_S * 1000,
    );

    const listed = await p.list(e);
    expect(validate(PairingList, listed.body).ok).toBe(true);
    expect(listed.body.pairings.map((x: { id: string }) => x.id)).toContain(id);

    const offered = await p.offer(e, id);
    expect(offered.status, offered.text).toBe(200);
    expect(offered.body).toMatchObject({
      state: 'offered',
      approver: { device_id: e.device_id, name: 'Laptop', platform: 'Laptop platform' },
      offer: OFFER,
      reveal: null,
    });

    const revealed = await p.reveal(n, id);
    expect(revealed.status, revealed.text).toBe(200);
    expect(revealed.body).toMatchObject({ state: 'revealed', offer: OFFER, reveal: REVEAL });

    const approved = await p.approve(e, id);
    expect(approved.status, approved.text).toBe(200);
    // The approver handed the bundle over; it is not shown back to it, nor to anyone else.
    expect(approved.body).toMatchObject({ state: 'approved', bundle: null });
    expect((await p.get(e, id)).body.bundle).toBeNull();
    expect((await p.get(f, id)).body.bundle).toBeNull();
    const fetched = await p.get(n, id);
    expect(fetched.body).toMatchObject({ state: 'approved', bundle: BUNDLE });
    expect(validate(Pairing, fetched.body).ok).toBe(true);

    const completed = await p.complete(n, id);
    expect(completed.status, completed.text).toBe(200);
    expect(completed.body).toMatchObject({ state: 'completed', bundle: null });
    expect((await p.get(n, id)).body).toMatchObject({ state: 'completed', bundle: null });
    // Erased from the database, not only hidden.
    expect((await server.store.getPairing(n.account_id, id))?.bundle).toBeNull();
    // A final pairing is no longer listed.
    const after = await p.list(e);
    expect(after.body.pairings.map((x: { id: string }) => x.id)).not.toContain(id);
  });

  it('refuses each step by the wrong device, saying who may take it', async () => {
    const id = (await p.create(n)).body.id;
    expectProblem(
      await p.offer(n, id),
      409,
      'pairing_state',
      /Only a device of the account other than the requesting one may offer/,
    );
    expect((await p.offer(e, id)).status).toBe(200);
    expectProblem(
      await p.reveal(e, id),
      409,
      'pairing_state',
      /Only the requesting device may reveal/,
    );
    expectProblem(
      await p.reveal(f, id),
      409,
      'pairing_state',
      /Only the requesting device may reveal/,
    );
    expect((await p.reveal(n, id)).status).toBe(200);
    expectProblem(
      await p.approve(f, id),
      409,
      'pairing_state',
      /Only the device that offered may approve/,
    );
    expectProblem(
      await p.approve(n, id),
      409,
      'pairing_state',
      /Only the device that offered may approve/,
    );
    expect((await p.approve(e, id)).status).toBe(200);
    expectProblem(
      await p.complete(e, id),
      409,
      'pairing_state',
      /Only the requesting device may complete/,
    );
    expectProblem(
      await p.complete(f, id),
      409,
      'pairing_state',
      /Only the requesting device may complete/,
    );
    // Nothing the refused steps sent was kept.
    expect((await p.get(n, id)).body).toMatchObject({
      state: 'approved',
      approver: { device_id: e.device_id },
      bundle: BUNDLE,
    });
    expect((await p.complete(n, id)).status).toBe(200);
  });

  it('refuses each step out of order, saying what step the pairing is at', async () => {
    const id = (await p.create(n)).body.id;
    expectProblem(
      await p.reveal(n, id),
      409,
      'pairing_state',
      /is pending, so it cannot reveal now: next, another device of the account offers/,
    );
    expectProblem(await p.approve(e, id), 409, 'pairing_state', /is pending/);
    expectProblem(await p.complete(n, id), 409, 'pairing_state', /is pending/);
    await p.offer(e, id);
    expectProblem(
      await p.approve(e, id),
      409,
      'pairing_state',
      /is offered, so it cannot approve now: next, the requesting device reveals/,
    );
    expectProblem(await p.complete(n, id), 409, 'pairing_state', /is offered/);
    await p.reveal(n, id);
    expectProblem(
      await p.offer(f, id),
      409,
      'pairing_state',
      /is revealed, so it cannot offer now: next, the device that offered approves/,
    );
    expectProblem(await p.complete(n, id), 409, 'pairing_state', /is revealed/);
    await p.approve(e, id);
    expectProblem(
      await p.reveal(n, id),
      409,
      'pairing_state',
      /is approved, so it cannot reveal now: next, the requesting device completes/,
    );
    expect((await p.get(n, id)).body.state).toBe('approved');
  });

  it('refuses a replay of every step', async () => {
    const id = (await p.create(n)).body.id;
    expect((await p.offer(e, id)).status).toBe(200);
    expectProblem(await p.offer(e, id), 409, 'pairing_state', /is offered/);
    expectProblem(await p.offer(f, id), 409, 'pairing_state', /is offered/);
    expect((await p.reveal(n, id)).status).toBe(200);
    expectProblem(await p.reveal(n, id), 409, 'pairing_state', /is revealed/);
    expect((await p.approve(e, id)).status).toBe(200);
    expectProblem(await p.approve(e, id), 409, 'pairing_state', /is approved/);
    expect((await p.complete(n, id)).status).toBe(200);
    expectProblem(await p.complete(n, id), 409, 'pairing_state', /already completed/);
    expectProblem(await p.deny(e, id), 409, 'pairing_state', /already completed/);
    expectProblem(await p.offer(f, id), 409, 'pairing_state', /already completed/);
  });

  it('two devices offering at once: exactly one wins, the other gets pairing_state', async () => {
    const id = (await p.create(n)).body.id;
    const [a, b] = await Promise.all([p.offer(e, id), p.offer(f, id)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe('pairing_state');
    const winner = a.status === 200 ? e : f;
    expect((await p.get(n, id)).body.approver.device_id).toBe(winner.device_id);
  });

  it('deny: by the requester or any other device, in any open state, then final', async () => {
    const byRequester = (await p.create(n)).body.id;
    expect((await p.deny(n, byRequester)).body.state).toBe('denied');

    const byOther = (await p.create(n)).body.id;
    await p.offer(e, byOther);
    await p.reveal(n, byOther);
    await p.approve(e, byOther);
    const denied = await p.deny(f, byOther);
    expect(denied.status, denied.text).toBe(200);
    expect(denied.body).toMatchObject({ state: 'denied', bundle: null });
    expect((await server.store.getPairing(n.account_id, byOther))?.bundle).toBeNull();
    expect((await p.get(n, byOther)).body).toMatchObject({ state: 'denied', bundle: null });
    expectProblem(await p.complete(n, byOther), 409, 'pairing_state', /already denied/);
    expectProblem(await p.deny(n, byOther), 409, 'pairing_state', /already denied/);
  });

  it('a new request from the same device supersedes (denies) its earlier open one', async () => {
    const first = (await p.create(n)).body.id;
    const second = (await p.create(n)).body.id;
    expect((await p.get(n, first)).body.state).toBe('denied');
    expect((await p.get(n, second)).body.state).toBe('pending');
    const listed = (await p.list(e)).body.pairings.map((x: { id: string }) => x.id);
    expect(listed).toContain(second);
    expect(listed).not.toContain(first);
  });

  it('lists open pairings newest first', async () => {
    const fromF = (await p.create(f)).body.id;
    const fromN = (await p.create(n)).body.id;
    const listed = await p.list(e);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('no-store');
    const ids = listed.body.pairings.map((x: { id: string }) => x.id);
    expect(ids.indexOf(fromN)).toBeLessThan(ids.indexOf(fromF));
    expect(ids.indexOf(fromN)).toBeGreaterThanOrEqual(0);
    await p.deny(f, fromF);
    await p.deny(n, fromN);
  });

  it('expires: GET shows expired, every step answers 410 pairing_expired, the list leaves it out', async () => {
    const untouched = (await p.create(f)).body.id;
    const id = (await p.create(n)).body.id;
    await p.offer(e, id);
    await p.reveal(n, id);
    await p.approve(e, id);
    offsetMs += TTL_S * 1000;
    const seen = await p.get(n, id);
    expect(seen.body).toMatchObject({ state: 'expired', bundle: null });
    expect((await p.get(e, untouched)).body.state).toBe('expired');
    for (const result of [
      await p.offer(e, untouched),
      await p.reveal(n, id),
      await p.approve(e, id),
      await p.complete(n, id),
      await p.deny(n, id),
      await p.deny(f, untouched),
    ]) {
      expectProblem(result, 410, 'pairing_expired', /expired at .*; start a new one/);
    }
    const ids = (await p.list(e)).body.pairings.map((x: { id: string }) => x.id);
    expect(ids).not.toContain(id);
    expect(ids).not.toContain(untouched);
  });

  it('refuses bad bodies with invalid_request and the paths that failed', async () => {
    const id = (await p.create(n)).body.id;
    const cases: [Promise<Call>, string[]][] = [
      [p.create(n, { commitment: 'short', curve: 'X25519' }), ['commitment']],
      [p.create(n, { commitment: `${'C'.repeat(42)}=`, curve: 'X25519' }), ['commitment']],
      [p.create(n, { commitment: COMMITMENT, curve: 'P-384' }), ['curve']],
      [p.create(n, { commitment: COMMITMENT, curve: 'X25519', extra: 1 }), ['extra']],
      [p.offer(e, id, { public_key: OFFER.public_key }), ['nonce']],
      [p.offer(e, id, { ...OFFER, nonce: 'not base64url!!!!!!!' }), ['nonce']],
      [p.reveal(n, id, { ...REVEAL, confirmation: undefined }), ['confirmation']],
      [p.approve(e, id, { bundle: 'x'.repeat(PAIRING_BUNDLE_MAX_CHARS + 1) }), ['bundle']],
      [p.approve(e, id, { bundle: '' }), ['bundle']],
    ];
    for (const [pending, paths] of cases) {
      const result = await pending;
      expectProblem(result, 400, 'invalid_request');
      expect(result.body.errors.map((x: { path: string }) => x.path)).toEqual(paths);
    }
    expect((await p.get(n, id)).body.state).toBe('pending');
    await p.deny(n, id);
  });

  it('answers 404 not_found for an unknown or malformed id', async () => {
    expectProblem(await p.get(n, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    expectProblem(await p.get(n, 'not%20an%20id'), 404, 'not_found');
    expectProblem(await p.offer(e, 'no-such-pairing'), 404, 'not_found');
    expectProblem(await p.deny(e, 'no-such-pairing'), 404, 'not_found');
  });

  it('requires a bearer token on every pairing route', async () => {
    for (const [method, path] of [
      ['POST', '/v1/pairings'],
      ['GET', '/v1/pairings'],
      ['GET', '/v1/pairings/x'],
      ['POST', '/v1/pairings/x/offer'],
      ['POST', '/v1/pairings/x/deny'],
    ] as const) {
      expectProblem(await call(server.url, path, { method }), 401, 'missing_token');
    }
  });

  it('keeps accounts apart: another account never sees, advances or counts a pairing', async () => {
    const id = (await p.create(n)).body.id;
    expect(await p.pending(mallory)).toBe(0);
    expect((await p.list(mallory)).body).toEqual({ pairings: [] });
    expectProblem(await p.get(mallory, id), 404, 'not_found');
    expectProblem(await p.offer(mallory, id), 404, 'not_found');
    expectProblem(await p.deny(mallory, id), 404, 'not_found');
    expect((await p.get(n, id)).body).toMatchObject({ state: 'pending', approver: null });
    // The other account's own pairing is just as invisible the other way round.
    const theirs = (await p.create(mallory)).body.id;
    expectProblem(await p.get(e, theirs), 404, 'not_found');
    expect((await p.list(e)).body.pairings.map((x: { id: string }) => x.id)).not.toContain(theirs);
    await p.deny(n, id);
    await p.deny(mallory, theirs);
  });
});

describe('pending_pairings in GET /v1/changes', () => {
  const ctx = serverWithDevices({}, ['Laptop', 'Tablet', 'Phone']);

  it('counts pending requests by other devices of the account, and only those', async () => {
    const { p, d } = ctx;
    const [e, f, n] = [take(d, 'Laptop'), take(d, 'Tablet'), take(d, 'Phone')];
    expect(await p.pending(e)).toBe(0);
    const id = (await p.create(n)).body.id;
    expect(await p.pending(e)).toBe(1);
    expect(await p.pending(f)).toBe(1);
    expect(await p.pending(n)).toBe(0);
    const fromF = (await p.create(f)).body.id;
    expect(await p.pending(e)).toBe(2);
    expect(await p.pending(n)).toBe(1);
    // Offered: no longer waiting for someone to notice it.
    await p.offer(e, id);
    expect(await p.pending(e)).toBe(1);
    expect(await p.pending(f)).toBe(0);
    await p.deny(e, fromF);
    expect(await p.pending(e)).toBe(0);
    const late = (await p.create(n)).body.id;
    expect(await p.pending(e)).toBe(1);
    offsetMs += TTL_S * 1000;
    expect(await p.pending(e)).toBe(0);
    expect((await p.get(e, late)).body.state).toBe('expired');
  });
});

describe('revoking a device', () => {
  const ctx = serverWithDevices({}, ['Laptop', 'Tablet', 'Phone', 'Watch']);

  it('denies the open pairings it requested (DELETE /v1/devices/:id) or approves (/v1/auth/revoke)', async () => {
    const { p, d, server } = ctx;
    const [e, f, n, m] = ['Laptop', 'Tablet', 'Phone', 'Watch'].map((name) => take(d, name)) as [
      TokenResponse,
      TokenResponse,
      TokenResponse,
      TokenResponse,
    ];
    const requested = (await p.create(n)).body.id;
    const removed = await call(server.url, `/v1/devices/${n.device_id}`, {
      method: 'DELETE',
      token: e.access_token,
    });
    expect(removed.status).toBe(204);
    expect((await p.get(e, requested)).body.state).toBe('denied');

    const approving = (await p.create(m)).body.id;
    await p.offer(e, approving);
    await p.reveal(m, approving);
    await p.approve(e, approving);
    const signedOut = await call(server.url, '/v1/auth/revoke', {
      method: 'POST',
      token: e.access_token,
    });
    expect(signedOut.status).toBe(204);
    expect((await p.get(m, approving)).body).toMatchObject({ state: 'denied', bundle: null });
    expect((await server.store.getPairing(m.account_id, approving))?.bundle).toBeNull();
    expect(await p.pending(f)).toBe(0);
  });
});

describe('open-pairing limit', () => {
  const ctx = serverWithDevices({ pairingMaxOpen: 3 }, ['A', 'B', 'C', 'D']);

  it('at most pairingMaxOpen open pairings from other devices: 429 rate_limited with Retry-After', async () => {
    const { p, d: devices } = ctx;
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((name) => take(devices, name)) as [
      TokenResponse,
      TokenResponse,
      TokenResponse,
      TokenResponse,
    ];
    for (const t of [a, b, c]) expect((await p.create(t)).status).toBe(201);
    const refused = await p.create(d);
    expectProblem(refused, 429, 'rate_limited', /already has 3 open pairings/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(TTL_S);
    expect(refused.body.retry_after).toBe(retryAfter);
    // A device replacing its own request does not add to the count.
    expect((await p.create(a)).status).toBe(201);
    expect((await p.list(d)).body.pairings).toHaveLength(3);
    // Once one is final, there is room again.
    const bs = (await p.list(d)).body.pairings.find(
      (x: { requester: { device_id: string } }) => x.requester.device_id === b.device_id,
    );
    await p.deny(d, bs.id);
    expect((await p.create(d)).status).toBe(201);
    offsetMs += TTL_S * 1000;
    expect((await p.list(d)).body.pairings).toEqual([]);
  });
});

describe('pairing throttle', () => {
  const WINDOW_S = 600;
  const ctx = serverWithDevices({ pairingMaxPerAccount: 3, pairingRateWindowS: WINDOW_S }, [
    'Phone',
    'Laptop',
  ]);

  it('at most pairingMaxPerAccount pairings started per window, then 429 until it passes', async () => {
    const { p, d } = ctx;
    const n = take(d, 'Phone');
    for (let i = 0; i < 3; i++) expect((await p.create(n)).status).toBe(201);
    const refused = await p.create(n);
    expectProblem(refused, 429, 'rate_limited', /Too many pairings started/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
    // The throttle is per account: another device of it is refused as well.
    expectProblem(await p.create(take(d, 'Laptop')), 429, 'rate_limited');
    // A bad body is refused before it is counted.
    expectProblem(await p.create(n, { curve: 'X25519' }), 400, 'invalid_request');
    offsetMs += WINDOW_S * 1000;
    expect((await p.create(n)).status).toBe(201);
  });
});
