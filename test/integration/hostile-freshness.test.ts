/**
 * A server that replays genuine record versions under other revisions, or forges acks, cannot roll
 * a device back, resurrect a delete, make it skip real edits or leave an edit stuck. Each case: the
 * lie is refused or reported, the device's data is intact, nothing stale is shown as current, and
 * once the server is honest a genuine edit from another device applies and the device's own next
 * edit syncs.
 */
import { describe, expect, it } from 'vitest';
import type { BatchOp, ChangesResponse, RemoteRecord } from '../../src/protocol';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet, type TestDevice, waitFor } from '../rig/devices';
import { HostileServer } from '../rig/hostile-server';
import { serverRecords } from '../rig/server-view';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const profile = { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-old' };

interface Scene {
  liar: HostileServer;
  /** The device behind the lying server. */
  a: TestDevice;
  /** Another device of the account, talking to the server directly. */
  b: TestDevice;
  id: string;
  /** The record's first genuine version (rev 1, apiKey sk-old). */
  v1: RemoteRecord;
  /** Its current genuine version (rev 2, apiKey sk-new), which `a` holds. */
  v2: RemoteRecord;
}

async function onServer(device: TestDevice, id: string): Promise<RemoteRecord> {
  const record = (await serverRecords(backend, device)).get(id);
  if (!record) throw new Error(`the server has no record ${id}`);
  return record;
}

async function dataOf(device: TestDevice, id: string) {
  return (await device.engine.get('profiles', id, { reveal: true }))?.data;
}

async function scene(): Promise<Scene> {
  const person = newPerson();
  const liar = new HostileServer();
  const a = await newDevice('laptop', { through: liar.fetch });
  const b = await newDevice('phone');
  const recoveryKey = await connect(a, backend, person);
  const { id } = await a.engine.create('profiles', profile);
  await syncQuiet(a);
  const v1 = await onServer(a, id);
  await connect(b, backend, person, recoveryKey);
  await syncQuiet(b);
  await b.engine.update('profiles', id, { apiKey: 'sk-new' });
  await syncQuiet(b);
  await syncQuiet(a);
  const v2 = await onServer(a, id);
  expect([v1.rev, v2.rev]).toEqual([1, 2]);
  expect((await dataOf(a, id))?.apiKey).toBe('sk-new');
  return { liar, a, b, id, v1, v2 };
}

/** The next change feed the device reads also lists `records`, as the server chose to label them. */
function serveInFeed(liar: HostileServer, records: RemoteRecord[], times = 1): void {
  liar.rewrite(
    /^GET \/v1\/changes/,
    (reply) => {
      const page = reply.json as ChangesResponse;
      return { json: { ...page, changes: [...page.changes, ...records], has_more: false } };
    },
    times,
  );
}

function opsOf(body: unknown): BatchOp[] {
  return (body as { ops: BatchOp[] }).ops;
}

async function expectQuarantined(device: TestDevice, id: string, code: string): Promise<void> {
  const rows = await device.engine.listQuarantine();
  expect(rows.find((row) => row.id === id)?.code).toBe(code);
  await waitFor('the quarantine to show in the status', () => {
    return device.engine.getStatus().quarantined > 0;
  });
}

/** Honest again: b's edit reaches a, a's own edit reaches b, nothing stays pending. */
async function syncsOnceHonest(s: Scene, id = s.id): Promise<void> {
  s.liar.honest();
  await syncQuiet(s.a);
  await s.b.engine.update('profiles', id, { name: 'From the phone' });
  await syncQuiet(s.b);
  await syncQuiet(s.a);
  expect((await dataOf(s.a, id))?.name).toBe('From the phone');
  await s.a.engine.update('profiles', id, { model: 'o3-from-laptop' });
  await syncQuiet(s.a);
  expect(s.a.engine.getStatus().pendingEdits).toBe(0);
  await syncQuiet(s.b);
  const onB = await dataOf(s.b, id);
  expect(onB?.model).toBe('o3-from-laptop');
  expect(onB?.name).toBe('From the phone');
  expect(await dataOf(s.a, id)).toEqual(onB);
  await s.a.engine.close();
  await s.b.engine.close();
}

/** The next batch is answered ok at exactly the revision each op expects, and never stored. */
function forgeOneOk(liar: HostileServer): void {
  liar.forge(
    /^POST \/v1\/batch/,
    (request) => ({
      json: {
        results: opsOf(request.body).map((op) => ({
          op_id: op.op_id,
          status: 'ok',
          rev: (op.base_rev ?? 0) + 1,
          seq: 999,
        })),
      },
    }),
    1,
  );
}

describe('a replayed or relabelled record version is refused', () => {
  it('refuses an old version served with a higher revision (rollback)', async () => {
    const s = await scene();
    serveInFeed(s.liar, [{ ...s.v1, rev: 3 }]);
    await syncQuiet(s.a);
    expect(s.liar.told[0]).toBe(1);
    expect((await dataOf(s.a, s.id))?.apiKey).toBe('sk-new');
    await expectQuarantined(s.a, s.id, 'record_replayed');
    // The genuine revision 3 still applies: the device's base did not move to the forged one.
    s.liar.honest();
    await s.b.engine.update('profiles', s.id, { model: 'o1' });
    await syncQuiet(s.b);
    await syncQuiet(s.a);
    expect(await dataOf(s.a, s.id)).toMatchObject({ apiKey: 'sk-new', model: 'o1' });
    await syncsOnceHonest(s);
  });

  it('refuses a deleted record’s last live version served as newer (resurrection)', async () => {
    const s = await scene();
    await s.b.engine.delete('profiles', s.id);
    await syncQuiet(s.b);
    await syncQuiet(s.a);
    expect(await s.a.engine.get('profiles', s.id)).toBeNull();
    serveInFeed(s.liar, [{ ...s.v2, rev: 4 }]);
    await syncQuiet(s.a);
    expect(await s.a.engine.get('profiles', s.id)).toBeNull();
    expect(s.a.engine.getStatus().counts.profiles).toBe(0);
    await expectQuarantined(s.a, s.id, 'record_replayed');
    s.liar.honest();
    const { id } = await s.b.engine.create('profiles', { ...profile, apiKey: 'sk-other' });
    await syncQuiet(s.b);
    expect(await s.a.engine.get('profiles', s.id)).toBeNull();
    await syncsOnceHonest(s, id);
  });

  it('refuses the current version relabelled with revision 2^40, and takes the next real edit', async () => {
    const s = await scene();
    serveInFeed(s.liar, [{ ...s.v2, rev: 2 ** 40 }]);
    await syncQuiet(s.a);
    await expectQuarantined(s.a, s.id, 'record_replayed');
    expect((await dataOf(s.a, s.id))?.apiKey).toBe('sk-new');
    await syncsOnceHonest(s);
    expect((await onServer(s.a, s.id)).rev).toBe(4);
  });

  it('refuses an old version under the revision 2^53 + 2, which no write can have', async () => {
    const s = await scene();
    serveInFeed(s.liar, [{ ...s.v1, rev: 2 ** 53 + 2 }]);
    await syncQuiet(s.a);
    await expectQuarantined(s.a, s.id, 'record_replayed');
    expect((await dataOf(s.a, s.id))?.apiKey).toBe('sk-new');
    await syncsOnceHonest(s);
  });

  it('ignores the version it holds replayed under its own revision', async () => {
    const s = await scene();
    serveInFeed(s.liar, [s.v2], 3);
    await syncQuiet(s.a);
    await syncQuiet(s.a);
    expect((await dataOf(s.a, s.id))?.apiKey).toBe('sk-new');
    expect(s.a.engine.getStatus().pendingEdits).toBe(0);
    await syncsOnceHonest(s);
  });

  it('ignores an older version replayed with its own true revision (pure rollback)', async () => {
    const s = await scene();
    serveInFeed(s.liar, [s.v1], 3);
    await syncQuiet(s.a);
    await syncQuiet(s.a);
    expect((await dataOf(s.a, s.id))?.apiKey).toBe('sk-new');
    expect(await s.a.engine.listQuarantine()).toEqual([]);
    await syncsOnceHonest(s);
  });
});

describe('an ack is believed only when it is consistent', () => {
  it('refuses a forged ok with revision 1e6 for an op the server never stored', async () => {
    const s = await scene();
    await s.a.engine.update('profiles', s.id, { apiKey: 'sk-laptop' });
    s.liar.forge(
      /^POST \/v1\/batch/,
      (request) => ({
        json: {
          results: opsOf(request.body).map((op) => ({
            op_id: op.op_id,
            status: 'ok',
            rev: 1e6,
            seq: 1e6,
          })),
        },
      }),
      1,
    );
    const report = await s.a.engine.syncNow();
    expect(report.result).toBe('error');
    expect(report.error?.code).toBe('ack_invalid');
    expect(s.a.engine.getStatus().pendingEdits).toBe(1);
    expect((await dataOf(s.a, s.id))?.apiKey).toBe('sk-laptop');
    s.liar.honest();
    await syncQuiet(s.a);
    expect((await onServer(s.a, s.id)).rev).toBe(3);
    await syncQuiet(s.b);
    expect((await dataOf(s.b, s.id))?.apiKey).toBe('sk-laptop');
    await syncsOnceHonest(s);
  });

  it('refuses an ok whose revision was rewritten to 1e6 after the server stored the op', async () => {
    const s = await scene();
    await s.a.engine.update('profiles', s.id, { apiKey: 'sk-laptop' });
    s.liar.rewrite(
      /^POST \/v1\/batch/,
      (reply) => {
        const { results } = reply.json as { results: Array<Record<string, unknown>> };
        return { json: { results: results.map((result) => ({ ...result, rev: 1e6 })) } };
      },
      1,
    );
    const report = await s.a.engine.syncNow();
    expect(report.error?.code).toBe('ack_invalid');
    expect(s.a.engine.getStatus().pendingEdits).toBe(1);
    s.liar.honest();
    // The same op id again: the server answers it as before, without applying it twice.
    await syncQuiet(s.a);
    expect(s.a.engine.getStatus().pendingEdits).toBe(0);
    expect((await onServer(s.a, s.id)).rev).toBe(3);
    await syncQuiet(s.b);
    expect((await dataOf(s.b, s.id))?.apiKey).toBe('sk-laptop');
    await syncsOnceHonest(s);
  });

  it('leaves unanswered an op the server answered with another op’s id', async () => {
    const s = await scene();
    await s.a.engine.update('profiles', s.id, { apiKey: 'sk-laptop' });
    s.liar.forge(
      /^POST \/v1\/batch/,
      () => ({ json: { results: [{ op_id: 'someone-elses-op', status: 'ok', rev: 3, seq: 9 }] } }),
      1,
    );
    await s.a.engine.syncNow();
    expect(s.a.engine.getStatus().pendingEdits).toBe(1);
    expect((await onServer(s.a, s.id)).rev).toBe(2);
    s.liar.honest();
    await syncQuiet(s.a);
    await syncQuiet(s.b);
    expect((await dataOf(s.b, s.id))?.apiKey).toBe('sk-laptop');
    await syncsOnceHonest(s);
  });

  it('re-sends an edit whose ok was forged once another device’s edit shows it missing', async () => {
    const s = await scene();
    await s.a.engine.update('profiles', s.id, { apiKey: 'sk-laptop' });
    forgeOneOk(s.liar);
    await syncQuiet(s.a);
    expect((await onServer(s.a, s.id)).rev).toBe(2); // never stored
    s.liar.honest();
    // The other device writes revision 3, the one the forged ok claimed for the laptop's edit.
    await s.b.engine.update('profiles', s.id, { model: 'o1' });
    await syncQuiet(s.b);
    await syncQuiet(s.a);
    const onA = await dataOf(s.a, s.id);
    expect(onA?.apiKey).toBe('sk-laptop');
    expect(onA?.model).toBe('o1');
    expect(s.a.engine.getStatus().pendingEdits).toBe(0);
    await syncQuiet(s.b);
    expect((await dataOf(s.b, s.id))?.apiKey).toBe('sk-laptop');
    await syncsOnceHonest(s);
  });

  it('re-sends an edit whose ok was forged when its next edit meets an older server record', async () => {
    const s = await scene();
    await s.a.engine.update('profiles', s.id, { apiKey: 'sk-laptop' });
    forgeOneOk(s.liar);
    await syncQuiet(s.a);
    s.liar.honest();
    await s.a.engine.update('profiles', s.id, { name: 'Laptop name' });
    await syncQuiet(s.a);
    expect(s.a.engine.getStatus().pendingEdits).toBe(0);
    await syncQuiet(s.b);
    const onB = await dataOf(s.b, s.id);
    expect(onB?.apiKey).toBe('sk-laptop');
    expect(onB?.name).toBe('Laptop name');
    await syncsOnceHonest(s);
  });
});

describe('a conflict whose current version is a lie does not wedge the edit', () => {
  async function conflicted(s: Scene, lie: (current: RemoteRecord) => RemoteRecord) {
    await s.b.engine.update('profiles', s.id, { model: 'o1' });
    await syncQuiet(s.b);
    await s.a.engine.update('profiles', s.id, { apiKey: 'sk-laptop' });
    // The laptop pushes over revision 2 without having pulled 3: the server answers a conflict.
    s.liar.rewrite(
      /^GET \/v1\/changes/,
      (reply) => ({ json: { ...(reply.json as ChangesResponse), changes: [], has_more: false } }),
      1,
    );
    s.liar.rewrite(
      /^POST \/v1\/batch/,
      (reply) => {
        const { results } = reply.json as {
          results: Array<{ status: string; current?: RemoteRecord }>;
        };
        return {
          json: {
            results: results.map((result) =>
              result.current ? { ...result, current: lie(result.current) } : result,
            ),
          },
        };
      },
      1,
    );
    await s.a.engine.syncNow();
    expect(s.liar.told).toEqual([1, 1]);
  }

  it('quarantines a current that is an old version relabelled, and sends the edit once honest', async () => {
    const s = await scene();
    await conflicted(s, (current) => ({ ...s.v1, rev: current.rev }));
    await expectQuarantined(s.a, s.id, 'record_replayed');
    expect((await dataOf(s.a, s.id))?.apiKey).toBe('sk-laptop');
    expect(s.a.engine.getStatus().pendingEdits).toBe(1);
    s.liar.honest();
    await syncQuiet(s.a);
    expect(s.a.engine.getStatus().pendingEdits).toBe(0);
    await syncQuiet(s.b);
    const onB = await dataOf(s.b, s.id);
    expect(onB?.apiKey).toBe('sk-laptop');
    expect(onB?.model).toBe('o1');
    await syncsOnceHonest(s);
  });

  it('quarantines a tampered current without holding the edit for good', async () => {
    const s = await scene();
    await conflicted(s, (current) => ({
      ...current,
      payload: `${current.payload.slice(0, -4)}${current.payload.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
    }));
    await expectQuarantined(s.a, s.id, 'record_tampered');
    expect((await dataOf(s.a, s.id))?.apiKey).toBe('sk-laptop');
    s.liar.honest();
    await syncQuiet(s.a);
    expect(s.a.engine.getStatus().pendingEdits).toBe(0);
    expect(await s.a.engine.listQuarantine()).toEqual([]);
    await syncQuiet(s.b);
    expect((await dataOf(s.b, s.id))?.apiKey).toBe('sk-laptop');
    await syncsOnceHonest(s);
  });
});
