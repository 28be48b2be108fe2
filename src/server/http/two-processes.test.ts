/**
 * Two server processes (main.ts, each its own OS process and connection pool) on one real
 * PostgreSQL behave exactly like one server, over HTTP: no change is ever skipped by a reader
 * whatever writers do in either process, compare-and-set and op_id hold across them, a revoke in
 * one takes effect in the other at once, and throttles count in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchOp, TokenResponse } from '../../protocol';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../store/testing';
import { PageClient, signInDevice } from '../testing';
import { batch, call, OWNER, op, putKeyDocument } from './helpers';
import { type ServerProcess, startServerProcess } from './server-process';

const WRITERS_PER_PROCESS = 3;
const BATCHES_PER_WRITER = 8;
const OPS_PER_BATCH = 4;
const SIGN_IN_MAX_PER_ACCOUNT = 4;

let database: TestPostgresDatabase;
let a: ServerProcess;
let b: ServerProcess;
let laptop: TokenResponse;
let phone: TokenResponse;

beforeAll(async () => {
  database = await createTestPostgresDatabase('satchel_http2p');
  const env = {
    DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
    SIGN_IN_MAX_PER_ACCOUNT: String(SIGN_IN_MAX_PER_ACCOUNT),
  };
  // Started at once: both run migrations against the same empty database.
  [a, b] = await Promise.all([startServerProcess([], env), startServerProcess([], env)]);
  // Signed in through different processes: the grant started on one is approved on the same one,
  // while tokens issued by either work on both.
  laptop = await signInDevice(a.url, { ...OWNER, deviceName: 'Laptop' });
  phone = await signInDevice(b.url, { ...OWNER, deviceName: 'Phone' });
  await putKeyDocument(a.url, laptop.access_token);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
});

interface Change {
  collection: string;
  id: string;
  rev: number;
  seq: number;
}

/** Pages through the feed from `since` until has_more is false, alternating between processes. */
async function drain(token: string, since: string, seen: Change[]): Promise<string> {
  let cursor = since;
  for (let page = 0; ; page++) {
    const server = page % 2 === 0 ? a : b;
    const result = await call(server.url, `/v1/changes?since=${cursor}&limit=7`, { token });
    expect(result.status).toBe(200);
    seen.push(...(result.body.changes as Change[]));
    cursor = result.body.cursor;
    if (!result.body.has_more) return cursor;
  }
}

describe('two server processes on one PostgreSQL, over HTTP', () => {
  it('tokens issued by one process work on the other; both list the same devices', async () => {
    for (const server of [a, b]) {
      for (const tokens of [laptop, phone]) {
        const devices = await call(server.url, '/v1/devices', { token: tokens.access_token });
        expect(devices.status).toBe(200);
        expect(devices.body.devices.map((d: { name: string }) => d.name).sort()).toEqual([
          'Laptop',
          'Phone',
        ]);
      }
    }
  });

  it('a reader paging while writers in both processes push sees every change exactly once, in order', async () => {
    const start = await drain(phone.access_token, '0', []);
    const assigned: number[] = [];
    let writing = true;

    const writer = async (server: ServerProcess, tokens: TokenResponse, w: number) => {
      for (let i = 0; i < BATCHES_PER_WRITER; i++) {
        const ops = Array.from({ length: OPS_PER_BATCH }, (_, j) =>
          op({ collection: 'cp', id: `${server === a ? 'a' : 'b'}${w}-${i}-${j}` }),
        );
        const result = await batch(server.url, tokens.access_token, ops);
        expect(result.status).toBe(200);
        for (const r of result.body.results) {
          expect(r.status).toBe('ok');
          assigned.push(r.seq);
        }
      }
    };
    const seen: Change[] = [];
    const reader = async () => {
      let cursor = start;
      // Reads while the writers run, then once more after the last write landed.
      while (writing) cursor = await drain(phone.access_token, cursor, seen);
      await drain(phone.access_token, cursor, seen);
    };
    const writers = Promise.all([
      ...Array.from({ length: WRITERS_PER_PROCESS }, (_, w) => writer(a, laptop, w)),
      ...Array.from({ length: WRITERS_PER_PROCESS }, (_, w) => writer(b, phone, w)),
    ]).finally(() => {
      writing = false;
    });
    await Promise.all([writers, reader()]);

    const total = 2 * WRITERS_PER_PROCESS * BATCHES_PER_WRITER * OPS_PER_BATCH;
    expect(assigned).toHaveLength(total);
    const seqs = seen.map((change) => change.seq);
    // Strictly increasing across every page and both processes: nothing twice, nothing behind.
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] ?? 0);
    expect([...seqs].sort((x, y) => x - y)).toEqual([...assigned].sort((x, y) => x - y));
    expect(new Set(seen.map((c) => c.id)).size).toBe(total);
  });

  it('compare-and-set: the same update sent through both processes at once has exactly one winner', async () => {
    const created = await batch(a.url, laptop.access_token, [
      op({ collection: 'cas', id: 'shared' }),
    ]);
    const rev = created.body.results[0].rev as number;

    const update = (server: ServerProcess, tokens: TokenResponse, payload: string) =>
      batch(server.url, tokens.access_token, [
        op({ collection: 'cas', id: 'shared', base_rev: rev, payload }),
      ]);
    const [fromA, fromB] = await Promise.all([
      update(a, laptop, 'ZnJvbUE'),
      update(b, phone, 'ZnJvbUI'),
    ]);
    const results = [fromA.body.results[0], fromB.body.results[0]];
    expect(results.map((r) => r.status).sort()).toEqual(['conflict', 'ok']);
    const winner = results.findIndex((r) => r.status === 'ok');
    expect(results[winner].rev).toBe(rev + 1);
    // The loser is told what won, so it can merge.
    expect(results[1 - winner].current).toMatchObject({
      id: 'shared',
      rev: rev + 1,
      payload: ['ZnJvbUE', 'ZnJvbUI'][winner],
    });
  });

  it('op_id: one batch sent through both processes at once is applied once and answered the same', async () => {
    const ops: BatchOp[] = [
      op({ collection: 'idem', id: 'once' }),
      op({ collection: 'idem', id: 'twice' }),
    ];
    const before = await drain(laptop.access_token, '0', []);
    const [fromA, fromB] = await Promise.all([
      batch(a.url, laptop.access_token, ops),
      batch(b.url, phone.access_token, ops),
    ]);
    expect(fromA.status).toBe(200);
    expect(fromB.body).toEqual(fromA.body);
    expect(fromA.body.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok']);

    const after: Change[] = [];
    await drain(laptop.access_token, before, after);
    expect(after.filter((c) => c.collection === 'idem').map((c) => [c.id, c.rev])).toEqual([
      ['once', 1],
      ['twice', 1],
    ]);
  });

  it('a device revoked through one process is refused by the other on its very next request', async () => {
    const tablet = await signInDevice(b.url, { ...OWNER, deviceName: 'Tablet' });
    expect((await call(a.url, '/v1/changes', { token: tablet.access_token })).status).toBe(200);

    const revoked = await call(a.url, `/v1/devices/${tablet.device_id}`, {
      method: 'DELETE',
      token: laptop.access_token,
    });
    expect(revoked.status).toBe(204);
    const next = await call(b.url, '/v1/changes', { token: tablet.access_token });
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('invalid_token');
    const refresh = await call(b.url, '/v1/auth/token', {
      method: 'POST',
      json: { grant_type: 'refresh_token', refresh_token: tablet.refresh_token },
    });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('sign-in attempts against one account are counted across both processes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_IN_MAX_PER_ACCOUNT; i++) {
      const server = i % 2 === 0 ? a : b;
      const result = await new PageClient(server.url).post('/activate/sign-in', {
        username: OWNER.username,
        password: `wrong password ${i}`,
      });
      statuses.push(result.status);
    }
    // Each process alone has seen at most 3 of the 5 attempts; only a shared count refuses the 5th.
    expect(statuses).toEqual([...Array(SIGN_IN_MAX_PER_ACCOUNT).fill(401), 429]);
  });
});
