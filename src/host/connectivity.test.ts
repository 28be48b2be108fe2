import { describe, expect, it } from 'vitest';
import { watchConnectivity } from './connectivity';

describe('watchConnectivity', () => {
  it('reports each change of the flag once, and nothing while it stays the same', () => {
    let online = true;
    let tick: () => void = () => undefined;
    const seen: boolean[] = [];
    watchConnectivity(
      () => online,
      (value) => seen.push(value),
      (callback) => {
        tick = callback;
      },
    );
    tick();
    expect(seen).toEqual([]);
    online = false;
    tick();
    tick();
    online = true;
    tick();
    expect(seen).toEqual([false, true]);
  });

  it('says at once when it starts with no network', () => {
    const seen: boolean[] = [];
    watchConnectivity(
      () => false,
      (value) => seen.push(value),
      () => undefined,
    );
    expect(seen).toEqual([false]);
  });
});
