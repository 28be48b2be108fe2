import { describe, expect, it } from 'vitest';
import { BridgeError } from './contract';
import { createCallTable } from './wire';

const gone = new BridgeError({ code: 'worker_restarted', message: 'gone' });

describe('createCallTable', () => {
  it('settles each call by its id, with the error as a BridgeError', async () => {
    const calls = createCallTable();
    const first = calls.open<number>();
    const second = calls.open<number>();
    expect(first.id).not.toBe(second.id);
    calls.settle({ type: 'result', id: second.id, ok: true, value: 2 });
    calls.settle({
      type: 'result',
      id: first.id,
      ok: false,
      error: { code: 'locked', message: 'm' },
    });
    expect(await second.result).toBe(2);
    await expect(first.result).rejects.toBeInstanceOf(BridgeError);
    await expect(first.result).rejects.toMatchObject({ code: 'locked' });
  });

  it('fails only the calls whose worker went away', async () => {
    const calls = createCallTable<string>();
    const old = calls.open<number>();
    const kept = calls.open<number>();
    calls.tag(old.id, 'old');
    calls.tag(kept.id, 'new');
    calls.failWhere(gone, (tag) => tag === 'old');
    await expect(old.result).rejects.toBe(gone);
    calls.settle({ type: 'result', id: kept.id, ok: true, value: 1 });
    expect(await kept.result).toBe(1);
  });

  it('ignores a result for a call already failed', async () => {
    const calls = createCallTable();
    const call = calls.open<number>();
    calls.failWhere(gone);
    calls.settle({ type: 'result', id: call.id, ok: true, value: 1 });
    await expect(call.result).rejects.toBe(gone);
  });
});
