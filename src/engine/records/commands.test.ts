import { afterEach, describe, expect, it } from 'vitest';
import type { EngineDatabase } from '../db/open';
import type { EngineError } from '../errors';
import { MASK } from '../mask';
import { createTestContext, type TestContext } from '../testing/context';
import { createRecord, deleteRecord, replaceRecord, restoreRecord, updateRecord } from './commands';
import { commitLocalChange } from './commit-local';
import { getRecord, listHistory, listRecords } from './read';

const profile = { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-secret-1' };

let ctx: TestContext;
afterEach(() => ctx?.close());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as EngineError).code;
  }
  throw new Error('expected a rejection');
}

describe('local edits and the outbox', () => {
  it('writes a created record and its outbox entry together', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    const row = await ctx.db.get('records', ['profiles', id]);
    const outbox = await ctx.db.get('outbox', ['profiles', id]);
    expect(row?.data).toEqual(profile);
    expect(row?.base).toBeNull();
    expect(outbox?.opId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    // The clock moved and was persisted in the same transaction.
    expect(await ctx.db.get('meta', 'clock')).toBe(row?.hlc);
  });

  it('renews the op id on every edit and stamps only the changed fields', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    const first = await ctx.db.get('outbox', ['profiles', id]);
    const before = await ctx.db.get('records', ['profiles', id]);
    ctx.clock.advance(1000);
    await updateRecord(ctx, 'profiles', id, { model: 'o3' });
    const second = await ctx.db.get('outbox', ['profiles', id]);
    const after = await ctx.db.get('records', ['profiles', id]);
    expect(second?.opId).not.toBe(first?.opId);
    expect(second?.queuedAt).toBe(first?.queuedAt);
    expect(after?.clocks.model).toBe(after?.hlc);
    expect(after?.clocks.name).toBe(before?.clocks.name);
    expect((after?.hlc ?? '') > (before?.hlc ?? '')).toBe(true);
  });

  it('writes nothing when the record or its outbox entry cannot be written (one transaction)', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    const opBefore = (await ctx.db.get('outbox', ['profiles', id]))?.opId;
    // Make the outbox write fail after the record write was issued in the same transaction.
    const failing = { ...ctx, db: withFailingOutboxPut(ctx.db) };
    await expect(updateRecord(failing, 'profiles', id, { model: 'o3' })).rejects.toThrow(
      'disk full',
    );
    expect((await ctx.db.get('records', ['profiles', id]))?.data).toEqual(profile);
    expect((await ctx.db.get('outbox', ['profiles', id]))?.opId).toBe(opBefore);
    expect(await listHistory(ctx.db, 'profiles', id)).toEqual([]);
  });

  it('refuses invalid data and leaves everything as it was', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    expect(await codeOf(updateRecord(ctx, 'profiles', id, { name: '' }))).toBe('validation_failed');
    expect(await codeOf(updateRecord(ctx, 'profiles', 'missing', { name: 'x' }))).toBe(
      'record_not_found',
    );
    expect(await codeOf(createRecord(ctx, 'profiles', profile, id))).toBe('record_exists');
    expect(await codeOf(deleteRecord(ctx, 'profiles', 'nope'))).toBe('record_not_found');
    expect(await codeOf(createRecord(ctx, 'profiles', profile, 'bad id'))).toBe(
      'validation_failed',
    );
    expect((await ctx.db.get('records', ['profiles', id]))?.data).toEqual(profile);
    expect(await ctx.db.count('outbox')).toBe(1);
  });

  it('forgets a record created and deleted before it ever synced', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    await deleteRecord(ctx, 'profiles', id);
    expect(await ctx.db.get('records', ['profiles', id])).toBeUndefined();
    expect(await ctx.db.count('outbox')).toBe(0);
  });

  it('keeps a pending tombstone for a record whose creation went out unanswered', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    const entry = await ctx.db.get('outbox', ['profiles', id]);
    // What push records before sending: the server may hold the record from now on.
    await ctx.db.put('outbox', { ...(entry as NonNullable<typeof entry>), sent: true });
    await deleteRecord(ctx, 'profiles', id);
    expect(await ctx.db.get('records', ['profiles', id])).toMatchObject({
      live: 0,
      data: null,
      base: null,
    });
    expect(await ctx.db.get('outbox', ['profiles', id])).toMatchObject({ sent: true });
    expect(await getRecord(ctx.db, 'profiles', id)).toBeNull();
  });

  it('keeps a tombstone and an outbox entry when a synced record is deleted', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    await markSynced(ctx, id, 3);
    await deleteRecord(ctx, 'profiles', id);
    const row = await ctx.db.get('records', ['profiles', id]);
    expect(row).toMatchObject({ live: 0, data: null, base: { rev: 3 } });
    expect(await ctx.db.get('outbox', ['profiles', id])).toBeDefined();
    expect(await getRecord(ctx.db, 'profiles', id)).toBeNull();
  });

  it('drops the pending change when an edit returns the record to what the server holds', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    await markSynced(ctx, id, 1);
    await updateRecord(ctx, 'profiles', id, { model: 'o3' });
    expect(await ctx.db.count('outbox')).toBe(1);
    await updateRecord(ctx, 'profiles', id, { model: 'gpt-4o' });
    expect(await ctx.db.count('outbox')).toBe(0);
  });

  it('lists records with secrets masked unless revealed', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    await createRecord(ctx, 'providers', {
      name: 'OpenAI',
      baseUrl: 'https://api.openai.com',
      models: ['o3'],
      authHeader: 'Authorization',
    });
    const [listed] = await listRecords(ctx.db, 'profiles');
    expect(listed).toMatchObject({
      id,
      pending: true,
      conflicted: false,
      data: { apiKey: MASK, name: 'Work' },
    });
    expect((await getRecord(ctx.db, 'profiles', id, { reveal: true }))?.data.apiKey).toBe(
      'sk-secret-1',
    );
    expect(await listRecords(ctx.db, 'providers')).toHaveLength(1);
  });
});

describe('replace', () => {
  it('sets exactly the given value in one commit: a field left out is removed', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    const before = await ctx.db.get('records', ['profiles', id]);
    ctx.clock.advance(1000);
    const { apiKey: _dropped, ...rest } = profile;
    const saved = await replaceRecord(ctx, 'profiles', id, { ...rest, model: 'o3' });
    const after = await ctx.db.get('records', ['profiles', id]);
    expect(saved).toEqual({ ...rest, model: 'o3' });
    expect(after?.data).toEqual({ ...rest, model: 'o3' });
    // Only what changed carries the new clock, and one commit left one earlier value in history.
    expect(after?.clocks.model).toBe(after?.hlc);
    expect(after?.clocks.name).toBe(before?.clocks.name);
    expect(await listHistory(ctx.db, 'profiles', id)).toHaveLength(1);
  });

  it('refuses a missing or deleted record and invalid data, changing nothing', async () => {
    ctx = await createTestContext();
    expect(await codeOf(replaceRecord(ctx, 'profiles', 'nope', profile))).toBe('record_not_found');
    const { id } = await createRecord(ctx, 'profiles', profile);
    expect(await codeOf(replaceRecord(ctx, 'profiles', id, { ...profile, name: '' }))).toBe(
      'validation_failed',
    );
    expect((await ctx.db.get('records', ['profiles', id]))?.data).toEqual(profile);
    await deleteRecord(ctx, 'profiles', id);
    expect(await codeOf(replaceRecord(ctx, 'profiles', id, profile))).toBe('record_not_found');
  });
});

describe('history', () => {
  it('keeps the last few values, newest first, masked, and restores one as a new edit', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    for (const model of ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']) {
      ctx.clock.advance(10);
      await updateRecord(ctx, 'profiles', id, { model });
    }
    const history = await listHistory(ctx.db, 'profiles', id);
    expect(history.map((entry) => entry.data?.model)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
    expect(history[0]?.data?.apiKey).toBe(MASK);
    const target = history.find((entry) => entry.data?.model === 'm2');
    await restoreRecord(ctx, 'profiles', id, target?.seq ?? -1);
    expect((await getRecord(ctx.db, 'profiles', id))?.data.model).toBe('m2');
    expect((await listHistory(ctx.db, 'profiles', id))[0]).toMatchObject({ replacedBy: 'restore' });
    expect(await codeOf(restoreRecord(ctx, 'profiles', id, 99_999))).toBe('revision_not_found');
  });

  it('restores a deleted record from its history', async () => {
    ctx = await createTestContext();
    const { id } = await createRecord(ctx, 'profiles', profile);
    await markSynced(ctx, id, 1);
    await deleteRecord(ctx, 'profiles', id);
    const [before] = await listHistory(ctx.db, 'profiles', id);
    await restoreRecord(ctx, 'profiles', id, before?.seq ?? -1);
    expect((await getRecord(ctx.db, 'profiles', id, { reveal: true }))?.data).toEqual(profile);
  });
});

/** A view of the database whose transactions fail any write to the outbox. */
function withFailingOutboxPut(db: EngineDatabase): EngineDatabase {
  const bindTo = (target: object, key: string | symbol) => {
    const value = Reflect.get(target, key, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  return new Proxy(db, {
    get: (target, key) => {
      if (key !== 'transaction') return bindTo(target, key);
      return (...args: Parameters<EngineDatabase['transaction']>) => {
        const tx = target.transaction(...args);
        return new Proxy(tx, {
          get: (txTarget, txKey) => {
            if (txKey !== 'objectStore') return bindTo(txTarget, txKey);
            return (name: string) => {
              const store = txTarget.objectStore(name as never);
              if (name !== 'outbox') return store;
              return new Proxy(store, {
                get: (storeTarget, storeKey) =>
                  storeKey === 'put'
                    ? () => Promise.reject(new DOMException('disk full', 'QuotaExceededError'))
                    : bindTo(storeTarget, storeKey),
              });
            };
          },
        });
      };
    },
  });
}

/** Pretends the server acknowledged the record at `rev` (what a push does). */
async function markSynced(ctx: TestContext, id: string, rev: number): Promise<void> {
  await commitLocalChange(ctx, 'profiles', id, (current) => current?.data ?? null);
  const row = await ctx.db.get('records', ['profiles', id]);
  if (!row) throw new Error('missing row');
  row.base = { rev, data: row.data, hlc: row.hlc, device: row.device, clocks: row.clocks };
  await ctx.db.put('records', row);
  await ctx.db.delete('outbox', ['profiles', id]);
}
