/** The records page's list and search: pages, totals, masked secrets, one read per change. */
import { afterEach, describe, expect, it } from 'vitest';
import { MASK } from '../engine/mask';
import type { RecordValue } from './contract';
import { RecordIndex } from './record-index';
import { offlineHost as host, openEngines } from './testing';
import { matchesQuery, searchText } from './views';

afterEach(async () => {
  for (const engine of openEngines.splice(0)) await engine.close();
});

const profile = (n: number) => ({
  name: `Profile ${String(n).padStart(3, '0')}`,
  provider: n % 2 ? 'openai' : 'anthropic',
  model: `model-${n % 7}`,
  apiKey: `sk-secret-${n}`,
});

async function filled(count: number) {
  const opened = await host();
  for (let n = 0; n < count; n++)
    await opened.engine.create('profiles', profile(n), { id: `p${String(n).padStart(3, '0')}` });
  // The first page's total is the status's count, recounted just after each write.
  await expect.poll(() => opened.engine.getStatus().counts.profiles).toBe(count);
  return opened;
}

describe('records.page', () => {
  it('pages a collection in id order with its total, at most 500 at a time', async () => {
    const { host: h } = await filled(230);
    const first = await h.call('records.page', { collection: 'profiles', limit: 100 });
    expect(first.total).toBe(230);
    expect(first.items.map((r) => r.id)).toEqual(
      Array.from({ length: 100 }, (_, n) => `p${String(n).padStart(3, '0')}`),
    );
    const last = await h.call('records.page', { collection: 'profiles', offset: 200, limit: 100 });
    expect(last.items.map((r) => r.id)).toEqual(
      Array.from({ length: 30 }, (_, n) => `p${200 + n}`),
    );
    const asked = await h.call('records.page', { collection: 'profiles', limit: 10_000 });
    expect(asked.items).toHaveLength(230);
    expect((await h.call('records.page', { collection: 'profiles' })).items).toHaveLength(100);
  });

  it('never carries a secret, and never finds a record by one', async () => {
    const { host: h } = await filled(3);
    const page = await h.call('records.page', { collection: 'profiles' });
    expect(page.items.map((r) => r.value.apiKey)).toEqual([MASK, MASK, MASK]);
    expect(JSON.stringify(page)).not.toContain('sk-secret');
    for (const query of ['sk-secret', 'secret-1', 'sk-']) {
      expect((await h.call('records.page', { collection: 'profiles', query })).total).toBe(0);
    }
  });

  it('finds what the full scan finds, for every query', async () => {
    const { host: h } = await filled(60);
    const all = await h.call('records.list', { collection: 'profiles' });
    for (const query of ['', 'PROFILE 01', 'openai', 'model-3', '"', 'nothing', ' anth ']) {
      const expected = all
        .filter((r) => matchesQuery(r.value, query, (field) => field === 'apiKey'))
        .map((r) => r.id);
      const page = await h.call('records.page', { collection: 'profiles', query, limit: 500 });
      expect({ query, ids: page.items.map((r) => r.id) }).toEqual({ query, ids: expected });
      expect(page.total).toBe(expected.length);
    }
  });

  it('reads the engine once for any number of queries, and again after a change', async () => {
    const { engine } = await filled(20);
    const reads: (number | undefined)[] = [];
    const index = new RecordIndex(
      {
        list: (collection: never, options?: { limit?: number }) => {
          reads.push(options?.limit);
          return engine.list(collection, options);
        },
        getStatus: () => engine.getStatus(),
      } as Pick<typeof engine, 'list' | 'getStatus'>,
      50,
    );
    for (const query of ['p', 'pr', 'pro', 'prof', 'profile 1'])
      await index.page({ collection: 'profiles', query });
    expect(reads).toEqual([undefined]);
    index.drop();
    await index.page({ collection: 'profiles', query: 'x' });
    expect(reads).toEqual([undefined, undefined]);

    // Opening the page: only its rows are read, and the index is built behind it.
    index.drop();
    reads.length = 0;
    const first = await index.page({ collection: 'profiles', limit: 5 });
    expect(first.items.map((r) => r.id)).toEqual(['p000', 'p001', 'p002', 'p003', 'p004']);
    expect(first.total).toBe(20);
    expect(reads).toEqual([5]);
    await expect.poll(() => reads).toEqual([5, undefined]);
    await index.page({ collection: 'profiles', query: 'profile 01' });
    expect(reads).toEqual([5, undefined]);
  });

  it('sees an edit made through it at once, and one made elsewhere once the status moves', async () => {
    const { host: h, engine } = await filled(2);
    const names = async () =>
      (await h.call('records.page', { collection: 'profiles' })).items.map((r) => r.value.name);
    expect(await names()).toEqual(['Profile 000', 'Profile 001']);
    await h.call('records.save', { collection: 'profiles', id: 'p000', value: profile(7) });
    expect(await names()).toEqual(['Profile 007', 'Profile 001']);
    await h.call('records.delete', { collection: 'profiles', id: 'p001' });
    expect(await names()).toEqual(['Profile 007']);

    // As a sync writes: straight into the engine, the host hears of it by the status.
    const before = h.getStatus().dataVersion;
    await engine.create('profiles', profile(9), { id: 'p009' });
    await expect.poll(() => h.getStatus().dataVersion).toBeGreaterThan(before);
    expect(await names()).toEqual(['Profile 007', 'Profile 009']);
  });

  it('names the records the page refers to, and only those', async () => {
    const { host: h, engine } = await filled(3);
    await engine.create('assignments', { app: 'cli', profileId: 'p001' });
    const page = await h.call('records.page', {
      collection: 'assignments',
      titlesOf: [{ field: 'profileId', collection: 'profiles' }],
    });
    expect(page.titles).toEqual({ 'profiles/p001': 'Profile 001' });
    await expect(
      h.call('records.page', {
        collection: 'assignments',
        titlesOf: [{ field: 'profileId', collection: 'nope' as 'profiles' }],
      }),
    ).rejects.toMatchObject({ code: 'unknown_collection' });
  });
});

describe('records.get', () => {
  it('reveals one record for the form, and answers null once it is gone', async () => {
    const { host: h } = await filled(1);
    const record = await h.call('records.get', { collection: 'profiles', id: 'p000' });
    expect(record?.value.apiKey).toBe('sk-secret-0');
    await h.call('records.delete', { collection: 'profiles', id: 'p000' });
    expect(await h.call('records.get', { collection: 'profiles', id: 'p000' })).toBeNull();
  });
});

describe('searchText', () => {
  it('holds no secret field, and a match never spans two fields', () => {
    const value: RecordValue = { name: 'ab', model: 'cd', apiKey: 'sk-x' };
    const text = searchText(value, (field) => field === 'apiKey');
    expect(text).not.toContain('sk-x');
    expect(text.includes('b"')).toBe(true);
    expect(text.includes('b""c')).toBe(false);
    expect(text.includes('b","c')).toBe(false);
  });
});
