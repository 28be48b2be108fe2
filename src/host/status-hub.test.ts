import { describe, expect, it } from 'vitest';
import { BridgeError, type Status } from './contract';
import { createStatusHub } from './status-hub';

const status = (pendingEdits: number) => ({ pendingEdits }) as unknown as Status;

describe('status hub', () => {
  it('gives a late subscriber the latest status, then every change, until it unsubscribes', () => {
    const hub = createStatusHub();
    hub.showStatus(status(1));
    const seen: number[] = [];
    const stop = hub.subscribe((s) => seen.push(s.pendingEdits));
    hub.showStatus(status(2));
    stop();
    hub.showStatus(status(3));
    expect(seen).toEqual([1, 2]);
  });

  it('tells a subscriber why there is no status, and a status clears that', () => {
    const hub = createStatusHub();
    hub.showUnavailable(new BridgeError({ code: 'engine_unavailable', message: 'down' }));
    const errors: string[] = [];
    hub.subscribe(
      () => {},
      (error) => errors.push(error.code),
    );
    expect(errors).toEqual(['engine_unavailable']);
    hub.showStatus(status(0));
    const later: string[] = [];
    hub.subscribe(
      () => later.push('status'),
      (error) => later.push(error.code),
    );
    expect(later).toEqual(['status']);
  });
});

describe('status hub with a last-known snapshot', () => {
  const snapshot = (pendingEdits: number) => ({ pendingEdits, asOf: 1 }) as unknown as Status;

  it('shows a snapshot until the host answers, then only the host', () => {
    const hub = createStatusHub();
    const seen: (string | number)[] = [];
    hub.subscribe((s) =>
      seen.push(s.asOf === undefined ? s.pendingEdits : `as of ${s.pendingEdits}`),
    );
    hub.showSnapshot(snapshot(7));
    hub.showStatus(status(2));
    hub.showSnapshot(snapshot(9));
    expect(seen).toEqual(['as of 7', 2]);
  });

  it('ignores a snapshot read after the host said it cannot answer', () => {
    const hub = createStatusHub();
    hub.showUnavailable(new BridgeError({ code: 'engine_unavailable', message: 'down' }));
    const seen: unknown[] = [];
    hub.subscribe((s) => seen.push(s));
    hub.showSnapshot(snapshot(1));
    expect(seen).toEqual([]);
  });
});
