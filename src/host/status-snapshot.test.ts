import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Status } from './contract';
import {
  createSnapshotWriter,
  readSnapshot,
  SNAPSHOT_MAX_AGE_MS,
  type StatusSnapshot,
  takeSnapshot,
} from './status-snapshot';

const NOW = 1_800_000_000_000;

function status(patch: Partial<Status> = {}): Status {
  return {
    state: { kind: 'idle' },
    lastSyncAt: NOW - 60_000,
    nextSyncAt: null,
    counts: { profiles: 3, providers: 1, groups: 0, assignments: 0, settings: 0 },
    pendingEdits: 0,
    tooLarge: 0,
    conflicts: 0,
    replaced: 0,
    quarantined: 0,
    withheld: 0,
    decision: null,
    account: {
      serverUrl: 'https://sync.example',
      accountId: 'a1',
      deviceId: 'd1',
      fingerprint: 'f',
    },
    lastError: null,
    pairing: null,
    pairingRequests: 0,
    rotation: null,
    syncMode: 'live',
    liveIssue: null,
    settings: {
      autoSync: true,
      intervalSeconds: 300,
      conflictStrategy: 'lastWriteWins',
      collections: {},
      liveSync: true,
      server: 'https://sync.example',
    },
    ...patch,
  } as Status;
}

describe('taking a status snapshot', () => {
  it('keeps a resting state with when it was taken, and reads it back marked asOf', () => {
    const snapshot = takeSnapshot(status(), NOW, { persistent: false });
    expect(snapshot).toHaveProperty('at', NOW);
    const shown = readSnapshot(JSON.parse(JSON.stringify(snapshot)), NOW + 1000);
    expect(shown?.asOf).toBe(NOW);
    expect(shown?.counts.profiles).toBe(3);
    expect(shown?.account?.accountId).toBe('a1');
  });

  it('leaves the last resting snapshot in place for a state that only makes sense live', () => {
    const signingIn = status({
      state: {
        kind: 'signingIn',
        userCode: 'WDJB-MJHT',
        verificationUri: 'https://sync.example/activate',
        verificationUriComplete: 'https://sync.example/activate?user_code=WDJB-MJHT',
        expiresAt: NOW,
      } as Status['state'],
    });
    const syncing = status({
      state: { kind: 'syncing', progress: { done: 1, total: 9 } },
    } as never);
    const pairing = status({ pairing: { role: 'new' } as never });
    for (const s of [signingIn, syncing, pairing]) {
      expect(takeSnapshot(s, NOW, { persistent: false })).toBe('unchanged');
    }
  });

  it('keeps nothing on disk for a device whose lock is on, but may in memory', () => {
    const locked = status({
      lock: {
        enabled: true,
        locked: false,
        method: 'pin',
        idleMinutes: 5,
        retryAt: null,
        prf: null,
      },
    });
    expect(takeSnapshot(locked, NOW, { persistent: true })).toBe('remove');
    expect(takeSnapshot(locked, NOW, { persistent: false })).toHaveProperty('at', NOW);
  });

  it('never stores a shown asOf as if it were the worker’s own', () => {
    const snapshot = takeSnapshot({ ...status(), asOf: NOW - 5 }, NOW, { persistent: false });
    expect(snapshot).toHaveProperty('status.state.kind', 'idle');
    expect(snapshot).not.toHaveProperty('status.asOf');
  });
});

describe('reading a status snapshot back', () => {
  const good = (): StatusSnapshot => ({ v: 1, at: NOW, status: status() });

  it.each([
    ['nothing', undefined],
    ['a string', 'idle'],
    ['another version', { ...good(), v: 2 }],
    ['no time', { ...good(), at: 'yesterday' }],
    ['a time in the future', { ...good(), at: NOW + 60_000 }],
    ['a week old', { ...good(), at: NOW - SNAPSHOT_MAX_AGE_MS - 1 }],
    ['no state', { ...good(), status: { ...status(), state: null } }],
    ['no counts', { ...good(), status: { ...status(), counts: [] } }],
    ['no settings', { ...good(), status: { ...status(), settings: undefined } }],
    ['a live-only state', { ...good(), status: status({ state: { kind: 'syncing' } } as never) }],
  ])('shows nothing for %s', (_, raw) => {
    expect(readSnapshot(raw, NOW)).toBeNull();
  });
});

describe('the snapshot writer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function writer() {
    const written: (StatusSnapshot | null)[] = [];
    const w = createSnapshotWriter({
      persistent: false,
      now: () => NOW,
      settleMs: 500,
      async write(value) {
        written.push(value);
      },
    });
    return { w, written };
  }

  it('writes a change of state or account at once, and coalesces the rest', async () => {
    const { w, written } = writer();
    w.saw(status());
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toHaveLength(1);
    for (const profiles of [4, 5, 6]) w.saw(status({ counts: { ...status().counts, profiles } }));
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(written.map((s) => s?.status.counts.profiles)).toEqual([3, 6]);

    const other = {
      serverUrl: 'https://sync.example',
      accountId: 'a2',
      deviceId: 'd9',
      fingerprint: 'g',
    };
    w.saw(status({ account: other }));
    await vi.advanceTimersByTimeAsync(0);
    expect(written.at(-1)?.status.account?.accountId).toBe('a2');
  });

  it('keeps the resting state through a sync, and writes "changes waiting" at once', async () => {
    const { w, written } = writer();
    w.saw(status());
    w.saw(status({ state: { kind: 'syncing', progress: { done: 0, total: 0 } } } as never));
    w.saw(status({ pendingEdits: 2 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(written.map((s) => [s?.status.state.kind, s?.status.pendingEdits])).toEqual([
      ['idle', 0],
      ['idle', 2],
    ]);
  });

  it('removes the snapshot from a lasting store once the lock is on', async () => {
    const written: (StatusSnapshot | null)[] = [];
    const w = createSnapshotWriter({
      persistent: true,
      now: () => NOW,
      async write(value) {
        written.push(value);
      },
    });
    w.saw(status());
    w.saw(
      status({
        lock: {
          enabled: true,
          locked: true,
          method: 'pin',
          idleMinutes: 5,
          retryAt: null,
          prf: null,
        },
      }),
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(written.map((s) => s?.status.state.kind ?? null)).toEqual(['idle', null]);
  });

  it('says so when the store refuses a write, and goes on writing', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    let fail = true;
    const written: (StatusSnapshot | null)[] = [];
    const w = createSnapshotWriter({
      persistent: false,
      now: () => NOW,
      async write(value) {
        if (fail) throw new Error('quota');
        written.push(value);
      },
    });
    w.saw(status());
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveBeenCalledWith(
      'Satchel: could not keep the status snapshot',
      expect.any(Error),
    );
    fail = false;
    w.saw(status({ state: { kind: 'offline', since: NOW } } as never));
    await vi.advanceTimersByTimeAsync(0);
    expect(written.map((s) => s?.status.state.kind)).toEqual(['offline']);
    errors.mockRestore();
  });
});
