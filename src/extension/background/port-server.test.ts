/**
 * The worker's side of a page's port, over a real engine (fake-indexeddb) and hand-made ports:
 * Chromium throws from postMessage on a port whose page reloaded before onDisconnect arrived,
 * and that must not keep the status from the pages still open.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type browser from 'webextension-polyfill';
import { offlineHost, openEngines } from '../../host/testing';
import { PORT_NAME, type WorkerToPage } from '../../host/wire';
import { servePort } from './port-server';

afterEach(async () => {
  for (const engine of openEngines.splice(0)) await engine.close();
  vi.restoreAllMocks();
});

interface FakePort {
  port: browser.Runtime.Port;
  received: WorkerToPage[];
  /** From now on postMessage throws, as Chromium does for a page that is gone. */
  die(): void;
  send(message: unknown): void;
}

function fakePort(): FakePort {
  const received: WorkerToPage[] = [];
  const onMessage: ((message: unknown) => void)[] = [];
  let dead = false;
  const port = {
    name: PORT_NAME,
    postMessage(message: WorkerToPage) {
      if (dead) throw new Error('Attempting to use a disconnected port object');
      received.push(message);
    },
    onDisconnect: { addListener: () => undefined },
    onMessage: { addListener: (listener: (message: unknown) => void) => onMessage.push(listener) },
  } as unknown as browser.Runtime.Port;
  return {
    port,
    received,
    die: () => {
      dead = true;
    },
    send: (message) => {
      for (const listener of onMessage) listener(message);
    },
  };
}

const statuses = (port: FakePort) => port.received.filter((m) => m.type === 'status');

describe('servePort', () => {
  it('a page gone before its disconnect arrived does not keep status from the open ones', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { host } = await offlineHost();
    const engine = Promise.resolve(host);
    const reloaded = fakePort();
    const open = fakePort();
    servePort(reloaded.port, engine);
    servePort(open.port, engine);
    await vi.waitFor(() => expect(statuses(open)).toHaveLength(1));
    expect(statuses(reloaded)).toHaveLength(1);

    reloaded.die();
    open.send({ type: 'call', id: 1, name: 'settings.update', input: { autoSync: false } });
    await vi.waitFor(() =>
      expect(open.received).toContainEqual({ type: 'result', id: 1, ok: true, value: undefined }),
    );
    const latest = statuses(open).at(-1);
    expect(latest?.type === 'status' && latest.status.settings.autoSync).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      'Satchel: a page closed before its message was sent',
      expect.any(Error),
    );

    // The dead page was dropped: later changes do not try it again.
    const warnings = warn.mock.calls.length;
    open.send({ type: 'call', id: 2, name: 'settings.update', input: { autoSync: true } });
    await vi.waitFor(() => expect(open.received.some((m) => m.type === 'result' && m.id === 2)));
    expect(warn.mock.calls.length).toBe(warnings);
  });
});
