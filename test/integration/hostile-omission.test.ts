/**
 * A server that leaves changes out of the feed (issue 11, item 6): each device publishes a sealed
 * state manifest, and a device that reached the head of the feed compares its peers' manifests
 * with what it holds. What is withheld is reported (status, activity log), kept as it is, and
 * asked for again until the server serves it; an honest run reports nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/engine/context';
import { newPerson } from '../rig/backend';
import { connect, newDevice, syncQuiet, type TestDevice } from '../rig/devices';
import { type HonestReply, HostileServer } from '../rig/hostile-server';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const profile = (name: string) => ({ name, provider: 'p', model: 'm' });

interface Change {
  id: string;
  payload: string;
  rev: number;
  [field: string]: unknown;
}
interface Feed {
  changes: Change[];
  cursor: string;
  has_more: boolean;
}

const ANY_CHANGES = /^GET \/v1\/changes/;
const MANIFEST_ID = /_m\d+$/;
const FAST = { engine: { manifestIntervalMs: 0 } };

/** Every answer of the feed leaves out the changes `drop` picks. */
function withhold(liar: HostileServer, drop: (change: Change) => boolean): void {
  liar.rewrite(ANY_CHANGES, (reply: HonestReply) => {
    const feed = reply.json as Feed | undefined;
    if (!feed?.changes) return undefined;
    return { json: { ...feed, changes: feed.changes.filter((change) => !drop(change)) } };
  });
}

/** `laptop` writes five profiles; `phone` (behind its own liar) and `tablet` join the account. */
async function world(devices = 2, phoneLog?: Logger) {
  const person = newPerson();
  const liar = new HostileServer();
  const laptop = await newDevice('laptop', FAST);
  const phone = await newDevice('phone', {
    engine: { ...FAST.engine, ...(phoneLog ? { log: phoneLog } : {}) },
    through: liar.fetch,
  });
  const recoveryKey = (await connect(laptop, backend, person)) as string;
  const ids: string[] = [];
  for (let i = 0; i < 5; i += 1)
    ids.push((await laptop.engine.create('profiles', profile(`P${i}`))).id);
  await syncQuiet(laptop);
  await connect(phone, backend, person, recoveryKey);
  await syncQuiet(phone);
  const tablet = devices > 2 ? await newDevice('tablet', FAST) : null;
  if (tablet) await connect(tablet, backend, person, recoveryKey);
  return { liar, laptop, phone, tablet, ids };
}

async function names(device: TestDevice): Promise<string[]> {
  return (await device.engine.list('profiles')).map((p) => p.data.name as string).sort();
}

async function lastActivity(device: TestDevice) {
  return (await device.engine.activity(1))[0];
}

/** Once honest, an edit on either side reaches the other and nothing is reported. */
async function syncsNormally(a: TestDevice, b: TestDevice, id: string): Promise<void> {
  await b.engine.update('profiles', id, { model: 'from b' });
  await syncQuiet(b);
  expect((await a.engine.syncNow()).result).toBe('ok');
  expect((await a.engine.get('profiles', id))?.data.model).toBe('from b');
  await a.engine.update('profiles', id, { model: 'from a' });
  await syncQuiet(a);
  await syncQuiet(b);
  expect((await b.engine.get('profiles', id))?.data.model).toBe('from a');
  for (const device of [a, b]) {
    expect(device.engine.getStatus().withheld).toBe(0);
    expect(device.engine.getStatus().pendingEdits).toBe(0);
  }
}

async function close(...devices: Array<TestDevice | null>) {
  for (const device of devices) await device?.engine.close();
}

describe('records the server leaves out of the feed are reported', () => {
  it('a new record withheld from one device: reported naming the peer, recovered once honest', async () => {
    const { liar, laptop, phone, ids } = await world();
    const created = await laptop.engine.create('profiles', profile('Secret new'));
    withhold(liar, (change) => change.id === created.id);
    await syncQuiet(laptop);

    const report = await phone.engine.syncNow();
    expect(report.result).toBe('ok');
    expect(report.tally?.withheld).toBe(1);
    expect(phone.engine.getStatus().withheld).toBe(1);
    const line = await lastActivity(phone);
    expect(line?.errorCode).toBe('records_withheld');
    expect(line?.message).toContain('laptop');
    // What the phone holds is intact, and nothing is made up for what it lacks.
    expect(await names(phone)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
    expect(await phone.engine.get('profiles', created.id)).toBeNull();

    liar.honest();
    expect((await phone.engine.syncNow()).result).toBe('ok');
    expect(phone.engine.getStatus().withheld).toBe(0);
    expect((await phone.engine.get('profiles', created.id))?.data.name).toBe('Secret new');
    expect(liar.log.some((line) => line.includes('since=0&'))).toBe(true);
    await syncsNormally(phone, laptop, ids[0] as string);
    await close(laptop, phone);
  });

  it('idle syncs do not compare again; a pull or a new manifest does, and still finds what is withheld', async () => {
    let compared = 0;
    const { liar, laptop, phone } = await world(2, (entry) => {
      if (entry.event === 'omission_compared') compared += 1;
    });
    await syncQuiet(laptop);
    await syncQuiet(phone);
    const settled = compared;
    expect(settled).toBeGreaterThan(0);
    // Nothing new in the feed or the manifests: the answer is known, the records are not read.
    for (let i = 0; i < 3; i += 1) expect((await phone.engine.syncNow()).result).toBe('ok');
    expect(compared).toBe(settled);

    const created = await laptop.engine.create('profiles', profile('Secret new'));
    withhold(liar, (change) => change.id === created.id);
    await syncQuiet(laptop);
    const report = await phone.engine.syncNow();
    expect(compared).toBeGreaterThan(settled);
    expect(report.tally?.withheld).toBe(1);
    liar.honest();
    expect((await phone.engine.syncNow()).result).toBe('ok');
    expect(phone.engine.getStatus().withheld).toBe(0);
    await close(laptop, phone);
  });

  it('records pulled without a new manifest keep the clean answer: the held records are not read again', async () => {
    let compared = 0;
    const person = newPerson();
    // The writer keeps the default interval, so it publishes its manifest once, then not for 10 min.
    const desk = await newDevice('desk');
    const phone = await newDevice('phone', {
      engine: {
        ...FAST.engine,
        log: (entry) => {
          if (entry.event === 'omission_compared') compared += 1;
        },
      },
    });
    const recoveryKey = (await connect(desk, backend, person)) as string;
    await desk.engine.create('profiles', profile('First'));
    await syncQuiet(desk);
    await connect(phone, backend, person, recoveryKey);
    await syncQuiet(phone);
    const settled = compared;
    expect(settled).toBeGreaterThan(0);
    for (let i = 0; i < 3; i += 1) {
      await desk.engine.create('profiles', profile(`Later ${i}`));
      await syncQuiet(desk);
      const run = await phone.engine.syncNow();
      expect(run.result).toBe('ok');
      expect(run.tally?.pulled).toBe(1);
    }
    // Pulls only raise what is held: nothing can have become withheld, so nothing was compared.
    expect(compared).toBe(settled);
    expect(await names(phone)).toEqual(['First', 'Later 0', 'Later 1', 'Later 2']);
    expect(phone.engine.getStatus().withheld).toBe(0);
    await close(desk, phone);
  });

  it('a tombstone withheld: the record stays here, reported, and goes once honest', async () => {
    const { liar, laptop, phone, ids } = await world();
    const victim = ids[1] as string;
    await laptop.engine.delete('profiles', victim);
    withhold(liar, (change) => change.id === victim);
    await syncQuiet(laptop);

    expect((await phone.engine.syncNow()).result).toBe('ok');
    expect(phone.engine.getStatus().withheld).toBe(1);
    expect((await lastActivity(phone))?.errorCode).toBe('records_withheld');
    expect(await names(phone)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);

    liar.honest();
    await phone.engine.syncNow();
    expect(phone.engine.getStatus().withheld).toBe(0);
    expect(await names(phone)).toEqual(['P0', 'P2', 'P3', 'P4']);
    await syncsNormally(phone, laptop, ids[2] as string);
    await close(laptop, phone);
  });

  it('an edit withheld from one device only: that device reports it, the honest one does not', async () => {
    const { liar, laptop, phone, tablet, ids } = await world(3);
    const edited = ids[2] as string;
    await laptop.engine.update('profiles', edited, { model: 'rotated key' });
    withhold(liar, (change) => change.id === edited);
    await syncQuiet(laptop);

    await (tablet as TestDevice).engine.syncNow();
    expect((tablet as TestDevice).engine.getStatus().withheld).toBe(0);
    expect((await (tablet as TestDevice).engine.get('profiles', edited))?.data.model).toBe(
      'rotated key',
    );
    await phone.engine.syncNow();
    // Both peers (laptop and tablet) list the newer revision: one record withheld, not two.
    expect(phone.engine.getStatus().withheld).toBe(1);
    expect((await lastActivity(phone))?.message).toMatch(/laptop/);
    // The older value is kept (nothing overwritten), the report says it is not current.
    expect((await phone.engine.get('profiles', edited))?.data.model).toBe('m');

    liar.honest();
    await phone.engine.syncNow();
    expect(phone.engine.getStatus().withheld).toBe(0);
    expect((await phone.engine.get('profiles', edited))?.data.model).toBe('rotated key');
    await syncsNormally(phone, laptop, edited);
    await close(laptop, phone, tablet);
  });

  it('withheld across several syncs: relisted at a backoff, the report clears once honest', async () => {
    const { liar, laptop, phone, ids } = await world();
    const created = await laptop.engine.create('profiles', profile('Late'));
    withhold(liar, (change) => change.id === created.id);
    await syncQuiet(laptop);
    await phone.engine.syncNow();
    expect(phone.engine.getStatus().withheld).toBe(1);
    // The phone's first sync listed from zero already: count from here.
    const before = liar.log.filter((line) => line.includes('since=0&')).length;
    const relistings = () => liar.log.filter((line) => line.includes('since=0&')).length - before;

    // The first retry is at the next sync; the liar leaves the record out of it too.
    await phone.engine.syncNow();
    expect(relistings()).toBe(1);
    expect(phone.engine.getStatus().withheld).toBe(1);
    // The next waits a minute: a sync before then does not list everything again.
    await phone.engine.syncNow();
    expect(relistings()).toBe(1);
    expect(await names(phone)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);

    liar.honest();
    phone.clock.offsetMs += 61_000;
    await phone.engine.syncNow();
    expect(relistings()).toBe(2);
    expect(phone.engine.getStatus().withheld).toBe(0);
    expect((await phone.engine.get('profiles', created.id))?.data.name).toBe('Late');
    await syncsNormally(phone, laptop, ids[3] as string);
    await close(laptop, phone);
  });
});

describe('a dropped write the writer believes stored', () => {
  it('a forged ok for an edit: the writer is not told, its peers report the edit withheld', async () => {
    const person = newPerson();
    const liar = new HostileServer();
    const laptop = await newDevice('laptop', { ...FAST, through: liar.fetch });
    const phone = await newDevice('phone', FAST);
    const recoveryKey = (await connect(laptop, backend, person)) as string;
    const made = await laptop.engine.create('profiles', profile('Kept'));
    await syncQuiet(laptop);
    await connect(phone, backend, person, recoveryKey);
    // The next batch (the edit) is answered ok without reaching the server.
    liar.forge(
      /^POST \/v1\/batch/,
      (request) => {
        const ops = (request.body as { ops: Array<{ op_id: string; base_rev: number | null }> })
          .ops;
        return {
          json: {
            results: ops.map((op) => ({
              op_id: op.op_id,
              status: 'ok',
              rev: (op.base_rev ?? 0) + 1,
              seq: 1_000_000,
            })),
          },
        };
      },
      1,
    );
    await laptop.engine.update('profiles', made.id, { model: 'never stored' });
    await syncQuiet(laptop);
    expect(liar.told).toEqual([1]);
    expect(laptop.engine.getStatus().pendingEdits).toBe(0);

    await phone.engine.syncNow();
    expect(phone.engine.getStatus().withheld).toBe(1);
    expect((await phone.engine.get('profiles', made.id))?.data.model).toBe('m');
    expect((await lastActivity(phone))?.message).toContain('laptop');
    // The next edit of the record reaches the server (the server now answers the truth): the
    // report clears.
    await laptop.engine.update('profiles', made.id, { model: 'stored now' });
    await syncQuiet(laptop);
    await phone.engine.syncNow();
    expect((await phone.engine.get('profiles', made.id))?.data.model).toBe('stored now');
    expect(phone.engine.getStatus().withheld).toBe(0);
    await close(laptop, phone);
  });
});

describe('no false reports', () => {
  it('the manifests themselves withheld: nothing is reported, records sync as usual', async () => {
    const { liar, laptop, phone, ids } = await world();
    withhold(liar, (change) => MANIFEST_ID.test(change.id));
    const created = await laptop.engine.create('profiles', profile('Plain'));
    await syncQuiet(laptop);
    await phone.engine.syncNow();
    expect(phone.engine.getStatus().withheld).toBe(0);
    expect((await phone.engine.get('profiles', created.id))?.data.name).toBe('Plain');
    liar.honest();
    await syncsNormally(phone, laptop, ids[0] as string);
    await close(laptop, phone);
  });

  it('a peer manifest listing an older revision than held here: no false alarm', async () => {
    const { laptop, phone, ids } = await world();
    const id = ids[4] as string;
    // The laptop's manifest lists revision 1; the phone then writes revision 2 and 3.
    await phone.engine.update('profiles', id, { model: 'two' });
    await syncQuiet(phone);
    await phone.engine.update('profiles', id, { model: 'three' });
    await syncQuiet(phone);
    expect((await phone.engine.syncNow()).result).toBe('ok');
    expect(phone.engine.getStatus().withheld).toBe(0);
    expect((await phone.engine.get('profiles', id))?.data.model).toBe('three');
    await syncsNormally(phone, laptop, id);
    await close(laptop, phone);
  });

  it('an older manifest replayed as newer, to hide a withheld edit, is refused', async () => {
    const { liar, laptop, phone, ids } = await world();
    const captured = new Map<string, Change>();
    liar.rewrite(ANY_CHANGES, (reply: HonestReply) => {
      for (const change of (reply.json as Feed | undefined)?.changes ?? [])
        if (MANIFEST_ID.test(change.id)) captured.set(change.id, change);
      return undefined;
    });
    await laptop.engine.update('profiles', ids[3] as string, { model: 'bump' });
    await syncQuiet(laptop);
    await phone.engine.syncNow();
    expect(captured.size).toBeGreaterThan(0);
    liar.honest();
    // The edit is withheld, and the manifests seen before it come back labelled as newer: were
    // they believed, they would replace the one that lists the edit.
    const edited = ids[0] as string;
    await laptop.engine.update('profiles', edited, { model: 'hidden edit' });
    await syncQuiet(laptop);
    const replays = [...captured.values()].map((change) => ({ ...change, rev: change.rev + 5 }));
    liar.rewrite(ANY_CHANGES, (reply: HonestReply) => {
      const feed = reply.json as Feed | undefined;
      if (!feed?.changes) return undefined;
      const changes = feed.changes.filter((change) => change.id !== edited);
      return { json: { ...feed, changes: [...changes, ...replays] } };
    });
    await phone.engine.syncNow();
    expect(phone.engine.getStatus().withheld).toBe(1);
    expect((await phone.engine.get('profiles', edited))?.data.model).toBe('m');
    liar.honest();
    await phone.engine.syncNow();
    expect(phone.engine.getStatus().withheld).toBe(0);
    expect((await phone.engine.get('profiles', edited))?.data.model).toBe('hidden edit');
    await syncsNormally(phone, laptop, ids[1] as string);
    await close(laptop, phone);
  });

  it('an honest run of three devices with edits and deletes reports nothing; manifests are no records', async () => {
    const { laptop, phone, tablet, ids } = await world(3);
    const third = tablet as TestDevice;
    await phone.engine.update('profiles', ids[0] as string, { model: 'phone' });
    await third.engine.delete('profiles', ids[1] as string);
    const made = await third.engine.create('groups', { name: 'Acme', profileIds: [] });
    await laptop.engine.update('profiles', ids[2] as string, { model: 'laptop' });
    for (let round = 0; round < 2; round += 1)
      for (const device of [laptop, phone, third]) await syncQuiet(device);
    for (const device of [laptop, phone, third]) {
      expect(device.engine.getStatus().withheld).toBe(0);
      expect(await names(device)).toEqual(['P0', 'P2', 'P3', 'P4']);
      expect(device.engine.getStatus().counts).toMatchObject({ profiles: 4, groups: 1 });
      expect(device.engine.getStatus().conflicts).toBe(0);
      expect((await device.engine.get('groups', made.id))?.data.name).toBe('Acme');
      expect((await device.engine.activity(10)).every((row) => row.errorCode === null)).toBe(true);
    }
    await close(laptop, phone, tablet);
  });
});

describe('limits, stated as tested', () => {
  it('a device withheld together with all its manifests is not detected', async () => {
    const { liar, laptop, phone } = await world();
    const created = await laptop.engine.create('profiles', profile('Hidden'));
    withhold(liar, (change) => change.id === created.id || MANIFEST_ID.test(change.id));
    await syncQuiet(laptop);
    await phone.engine.syncNow();
    expect(phone.engine.getStatus().withheld).toBe(0);
    expect(await phone.engine.get('profiles', created.id)).toBeNull();
    // Nothing tells the phone to ask again: it stays without the record until it changes.
    liar.honest();
    await phone.engine.syncNow();
    expect(await phone.engine.get('profiles', created.id)).toBeNull();
    await laptop.engine.update('profiles', created.id, { model: 'again' });
    await syncQuiet(laptop);
    await phone.engine.syncNow();
    expect((await phone.engine.get('profiles', created.id))?.data.model).toBe('again');
    expect(phone.engine.getStatus().withheld).toBe(0);
    await close(laptop, phone);
  });
});
