/** Key document preconditions, compare-and-set batches, op_id idempotency, the change feed and tombstones. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangesResponse, KeyDocument, validate } from '../../protocol';
import { createInvite, signInDevice, startServer, type TestServer } from '../testing';
import { batch, call, FINGERPRINT, OWNER, op, putKeyDocument } from './helpers';

let now = Date.now();
let server: TestServer;
beforeAll(async () => {
  // Tombstone tests move the clock 91 days on: access tokens must outlive that here.
  server = await startServer({
    clock: () => now,
    config: { pollIntervalS: 0, accessTokenTtlS: 365 * 24 * 3600 },
  });
});
afterAll(() => server.close());

/** Each test gets its own account, so feeds and key documents start empty. */
let accounts = 0;
async function freshAccount() {
  accounts++;
  const credentials = { username: `user${accounts}`, password: 'password for tests' };
  if (accounts === 1) await signInDevice(server.url, { ...OWNER });
  const invite = await createInvite(server.url, OWNER);
  const tokens = await signInDevice(server.url, { ...credentials, invite, deviceName: 'writer' });
  return { credentials, tokens, token: tokens.access_token };
}

const changes = (token: string, query = '') => call(server.url, `/v1/changes${query}`, { token });

describe('key document', () => {
  it('is 404 before it exists; created with If-None-Match: *, then replaced only with If-Match', async () => {
    const { token } = await freshAccount();
    const none = await call(server.url, '/v1/keys', { token });
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('not_found');

    const body = { key_document: 'a2V5cw', key_fingerprint: FINGERPRINT, epoch: 1 };
    const required = await call(server.url, '/v1/keys', { method: 'PUT', token, json: body });
    expect(required.status).toBe(428);
    expect(required.body.code).toBe('precondition_required');
    expect((await call(server.url, '/v1/keys', { token })).status).toBe(404);

    const created = await call(server.url, '/v1/keys', {
      method: 'PUT',
      token,
      json: body,
      headers: { 'if-none-match': '*' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(validate(KeyDocument, created.body).ok).toBe(true);
    expect(created.body).toMatchObject({
      key_document: 'a2V5cw',
      key_fingerprint: FINGERPRINT,
      epoch: 1,
      rev: 1,
    });

    const twice = await call(server.url, '/v1/keys', {
      method: 'PUT',
      token,
      json: body,
      headers: { 'if-none-match': '*' },
    });
    expect(twice.status).toBe(412);
    expect(twice.body.code).toBe('precondition_failed');
    expect(twice.headers.get('etag')).toBe('"1"');

    const next = { key_document: 'bmV3', key_fingerprint: 'fp_bbbbbbbbbbbbbbbbbbbb', epoch: 2 };
    const stale = await call(server.url, '/v1/keys', {
      method: 'PUT',
      token,
      json: next,
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    const huge = await call(server.url, '/v1/keys', {
      method: 'PUT',
      token,
      json: next,
      headers: { 'if-match': '"99999999999"' },
    });
    expect(huge.status).toBe(412);
    expect(huge.headers.get('etag')).toBe('"1"');
    expect((await call(server.url, '/v1/keys', { token })).body.rev).toBe(1);

    const replaced = await call(server.url, '/v1/keys', {
      method: 'PUT',
      token,
      json: next,
      headers: { 'if-match': '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe('"2"');
    expect(replaced.body).toMatchObject({ key_document: 'bmV3', epoch: 2, rev: 2 });

    const bare = await call(server.url, '/v1/keys', {
      method: 'PUT',
      token,
      json: { ...next, epoch: 3 },
      headers: { 'if-match': '2' },
    });
    expect(bare.status).toBe(200);

    const fetched = await call(server.url, '/v1/keys', { token });
    expect(fetched.headers.get('etag')).toBe('"3"');
    expect(fetched.body).toMatchObject({ rev: 3, epoch: 3 });
    const notModified = await call(server.url, '/v1/keys', {
      token,
      headers: { 'if-none-match': '"3"' },
    });
    expect(notModified.status).toBe(304);
  });

  it('refuses malformed preconditions without writing', async () => {
    const { token } = await freshAccount();
    await putKeyDocument(server.url, token);
    const body = { key_document: 'eA', key_fingerprint: FINGERPRINT, epoch: 9 };
    const preconditions: Record<string, string>[] = [
      { 'if-match': 'W/"1"' },
      { 'if-match': 'abc' },
      { 'if-none-match': '"1"' },
      { 'if-match': '"1"', 'if-none-match': '*' },
    ];
    for (const headers of preconditions) {
      const result = await call(server.url, '/v1/keys', {
        method: 'PUT',
        token,
        json: body,
        headers,
      });
      expect(result.status, JSON.stringify(headers)).toBe(400);
      expect(result.body.code).toBe('invalid_request');
    }
    expect((await call(server.url, '/v1/keys', { token })).body).toMatchObject({
      rev: 1,
      epoch: 1,
    });
  });
});

describe('POST /v1/batch', () => {
  it('needs the key document first (409 key_document_missing) and refuses another fingerprint (409 key_mismatch)', async () => {
    const { token } = await freshAccount();
    const missing = await batch(server.url, token, [op()]);
    expect(missing.status).toBe(409);
    expect(missing.body.code).toBe('key_document_missing');

    await putKeyDocument(server.url, token);
    const mismatch = await batch(server.url, token, [op()], 'fp_wrongwrongwrongwrong');
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.code).toBe('key_mismatch');
    expect((await changes(token)).body.changes).toEqual([]);
  });

  it('creates, updates by base_rev, and answers conflicts with the current record', async () => {
    const { token } = await freshAccount();
    await putKeyDocument(server.url, token);
    const created = await batch(server.url, token, [op({ id: 'a', payload: 'djE' })]);
    expect(created.status).toBe(200);
    expect(created.body.results).toEqual([
      { op_id: expect.any(String), status: 'ok', rev: 1, seq: 1 },
    ]);

    const again = await batch(server.url, token, [op({ id: 'a', payload: 'eHg' })]);
    expect(again.body.results[0]).toMatchObject({
      status: 'conflict',
      current: { id: 'a', rev: 1, payload: 'djE' },
    });

    const updated = await batch(server.url, token, [op({ id: 'a', base_rev: 1, payload: 'djI' })]);
    expect(updated.body.results[0]).toMatchObject({ status: 'ok', rev: 2, seq: 2 });

    const stale = await batch(server.url, token, [
      op({ id: 'a', base_rev: 1, payload: 'c3RhbGU' }),
    ]);
    expect(stale.body.results[0]).toMatchObject({
      status: 'conflict',
      current: { rev: 2, payload: 'djI' },
    });

    const ghost = await batch(server.url, token, [op({ id: 'ghost', base_rev: 3 })]);
    expect(ghost.body.results[0]).toMatchObject({ status: 'conflict', current: null });

    const feed = await changes(token);
    expect(feed.body.changes.map((c: { id: string; rev: number }) => [c.id, c.rev])).toEqual([
      ['a', 2],
    ]);
  });

  it('op_id: the same batch sent twice is answered identically and applied once', async () => {
    const { token } = await freshAccount();
    await putKeyDocument(server.url, token);
    const ops = [op({ id: 'x' }), op({ id: 'y' }), op({ id: 'x', base_rev: 1, payload: 'bmV3' })];
    const first = await batch(server.url, token, ops);
    const second = await batch(server.url, token, ops);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok', 'ok']);
    const feed = await changes(token);
    expect(feed.body.changes.map((c: { id: string; rev: number }) => [c.id, c.rev])).toEqual([
      ['y', 1],
      ['x', 2],
    ]);
    expect(feed.body.cursor).toBe('3');
  });

  it('refuses a repeated op_id inside one batch with invalid_request, applying nothing', async () => {
    const { token } = await freshAccount();
    await putKeyDocument(server.url, token);
    const one = op({ id: 'p' });
    const result = await batch(server.url, token, [one, op({ id: 'q' }), { ...one, id: 'r' }]);
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('invalid_request');
    expect(result.body.errors).toEqual([{ path: 'ops.2.op_id', message: expect.any(String) }]);
    expect((await changes(token)).body.changes).toEqual([]);
  });
});

describe('GET /v1/changes', () => {
  it('pages in seq order with has_more, caps limit, validates the cursor', async () => {
    const { token } = await freshAccount();
    await putKeyDocument(server.url, token);
    await batch(
      server.url,
      token,
      Array.from({ length: 5 }, (_, i) => op({ id: `n${i}` })),
    );

    const page1 = await changes(token, '?limit=2');
    expect(validate(ChangesResponse, page1.body).ok).toBe(true);
    expect(page1.body.changes.map((c: { seq: number }) => c.seq)).toEqual([1, 2]);
    expect(page1.body).toMatchObject({ cursor: '2', has_more: true, remaining: 3 });
    const page2 = await changes(token, `?since=${page1.body.cursor}&limit=2`);
    expect(page2.body.changes.map((c: { seq: number }) => c.seq)).toEqual([3, 4]);
    const page3 = await changes(token, `?since=${page2.body.cursor}&limit=2`);
    expect(page3.body).toMatchObject({ cursor: '5', has_more: false });
    const empty = await changes(token, '?since=5');
    expect(empty.body).toEqual({
      changes: [],
      cursor: '5',
      has_more: false,
      pending_pairings: 0,
      remaining: 0,
    });

    // A cursor this account never reached (say, from before the server was restored from a
    // backup) would hide every change up to it: 410, so the client resyncs.
    const ahead = await changes(token, '?since=6');
    expect(ahead.status).toBe(410);
    expect(ahead.body.code).toBe('cursor_expired');
    expect(ahead.body.detail).toMatch(/ahead/);

    for (const since of ['-1', 'abc', '1.5', '9999999999999999', '']) {
      const bad = await changes(token, `?since=${encodeURIComponent(since)}`);
      expect(bad.status, since).toBe(400);
      expect(bad.body.code, since).toBe('invalid_cursor');
    }
  });

  it('returns sealed records with their key metadata', async () => {
    const { token } = await freshAccount();
    await putKeyDocument(server.url, token);
    await batch(server.url, token, [
      op({ collection: 'tok_1', id: 'rec-1', payload: 'c2VhbGVkLXBheWxvYWQ' }),
    ]);
    const feed = await changes(token);
    expect(feed.body.changes).toEqual([
      {
        collection: 'tok_1',
        id: 'rec-1',
        rev: 1,
        seq: 1,
        deleted: false,
        payload: 'c2VhbGVkLXBheWxvYWQ',
        key_epoch: 1,
        key_fingerprint: FINGERPRINT,
        modified_at: new Date(now).toISOString(),
      },
    ]);
  });
});

describe('tombstones', () => {
  it('are served as deleted records, purged after retention, and an older cursor then gets 410', async () => {
    const { token } = await freshAccount();
    await putKeyDocument(server.url, token);
    const written = await batch(server.url, token, [op({ id: 'keep' }), op({ id: 'gone' })]);
    expect(written.body.results.map((r: { seq: number }) => r.seq)).toEqual([1, 2]);
    const deleted = await batch(server.url, token, [
      op({ id: 'gone', base_rev: 1, deleted: true }),
    ]);
    expect(deleted.body.results[0]).toMatchObject({ status: 'ok', rev: 2, seq: 3 });

    const feed = await changes(token, '?since=1');
    expect(feed.body.changes).toEqual([
      expect.objectContaining({ id: 'gone', deleted: true, seq: 3 }),
    ]);

    // Not old enough yet: nothing purged, nothing expires.
    expect(await server.purgeTombstones()).toBe(0);
    // The writing device pulls up to the tombstone, so it no longer holds it back.
    await changes(token, '?since=3');
    now += 91 * 24 * 3600 * 1000;
    try {
      expect(await server.purgeTombstones()).toBe(1);
      const expired = await changes(token, '?since=1');
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('cursor_expired');
      // Starting over from zero always works and no longer shows the purged record.
      const resync = await changes(token, '?since=0');
      expect(resync.status).toBe(200);
      expect(resync.body.changes.map((c: { id: string }) => c.id)).toEqual(['keep']);
      expect((await changes(token, '?since=3')).status).toBe(200);
    } finally {
      now = Date.now();
    }
  });

  it('are kept while an active device has not pulled past them', async () => {
    const { credentials, token } = await freshAccount();
    await putKeyDocument(server.url, token);
    const lagging = await signInDevice(server.url, { ...credentials, deviceName: 'lagging' });
    await changes(lagging.access_token, '?since=0');
    await batch(server.url, token, [op({ id: 'd' })]);
    await batch(server.url, token, [op({ id: 'd', base_rev: 1, deleted: true })]);
    await changes(token, '?since=2');
    now += 91 * 24 * 3600 * 1000;
    try {
      await server.purgeTombstones();
      const late = await changes(lagging.access_token, '?since=0');
      expect(late.body.changes).toEqual([expect.objectContaining({ id: 'd', deleted: true })]);
    } finally {
      now = Date.now();
    }
  });
});
