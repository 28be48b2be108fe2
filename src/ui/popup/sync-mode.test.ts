import { describe, expect, it } from 'vitest';
import type { Status } from '../../host/contract';
import { periodText, syncModeText } from './sync-mode';

type Shown = Parameters<typeof syncModeText>[0];
type Over = Partial<Omit<Shown, 'settings'>> & { settings?: Partial<Status['settings']> };
const base = (over: Over = {}): Shown => ({
  syncMode: 'interval',
  liveIssue: null,
  state: { kind: 'idle' },
  ...over,
  settings: {
    server: 'https://sync.example',
    autoSync: true,
    intervalSeconds: 300,
    conflictStrategy: 'lastWriteWins',
    collections: {} as Status['settings']['collections'],
    liveSync: true,
    ...over.settings,
  },
});
const fallback = { code: 'live_fallback', message: 'failed 3 times', at: 0 };

describe('sync mode line', () => {
  it('claims "Live" only while the stream is held', () => {
    expect(syncModeText(base({ syncMode: 'live' }))).toEqual({ kind: 'live', text: 'Live' });
    expect(syncModeText(base()).kind).toBe('connecting');
    expect(syncModeText(base()).text).toBe('Connecting live… syncs every 5 min meanwhile');
  });

  it('says honestly when live sync is on but the stream cannot be held', () => {
    expect(syncModeText(base({ liveIssue: fallback }))).toEqual({
      kind: 'unavailable',
      text: 'Live unavailable — every 5 min',
    });
  });

  it('names the timer when live sync is off, offline, or says automatic sync is off', () => {
    expect(syncModeText(base({ settings: { liveSync: false } })).text).toBe('Syncs every 5 min');
    expect(
      syncModeText(
        base({ state: { kind: 'offline', since: 0 }, settings: { intervalSeconds: 30 } }),
      ).text,
    ).toBe('Syncs every 30 s');
    expect(syncModeText(base({ settings: { autoSync: false } })).kind).toBe('manual');
  });

  it('words the period short', () => {
    expect(periodText(30)).toBe('30 s');
    expect(periodText(90)).toBe('1.5 min');
    expect(periodText(7200)).toBe('2 h');
  });
});
