/**
 * Test devices: an engine on its own database with its own scheduler, network and (possibly
 * skewed) clock, signed in through the real device grant against a real server. Runs in Node and
 * in the browser: the server side comes in as a Backend.
 */
import {
  type Clock,
  createEngine,
  type Engine,
  type EngineOptions,
  type EngineStatus,
  type FetchLike,
} from '../../src/engine';
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import { freshDbName, testIndexedDB } from '../../src/engine/testing/idb';
import { ManualScheduler, settle } from '../../src/engine/testing/manual-scheduler';
import { FlakyNetwork } from './flaky-network';
import { KillSwitch } from './kill-switch';

export interface Credentials {
  username: string;
  password: string;
}

/** The server under test: its URL and a way to approve a device code as a person would. */
export interface Backend {
  url: string;
  approve(userCode: string, credentials: Credentials): Promise<void>;
}

export class SkewedClock implements Clock {
  constructor(public offsetMs = 0) {}
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

export interface TestDevice {
  name: string;
  engine: Engine;
  scheduler: ManualScheduler;
  net: FlakyNetwork;
  clock: SkewedClock;
  dbName: string;
  factory: IDBFactory;
  /** The events the engine logged, in order (its `log` option, when the test gave one, sees them too). */
  events: string[];
  /** Stops this engine's worker at once: see kill-switch.ts. */
  kill: KillSwitch;
  /** Drops this engine without closing it (as if its worker died) and starts a new one on the same database. */
  restart(): Promise<TestDevice>;
  /**
   * Starts a sync and kills the worker at its `step`-th transaction or request (at the end of
   * the run, if it has fewer steps), then starts a new engine on the same database, as the next
   * wake-up of a stopped service worker does. The network's state and the clock carry over.
   */
  crash(step: number): Promise<{ next: TestDevice; midRun: boolean }>;
}

export async function newDevice(
  name: string,
  options: {
    skewMs?: number;
    dbName?: string;
    engine?: Partial<EngineOptions>;
    /** What the device's network reaches instead of the real server (a HostileServer's fetch). */
    through?: FetchLike;
  } = {},
): Promise<TestDevice> {
  const factory = await testIndexedDB();
  const dbName = options.dbName ?? freshDbName(name);
  const scheduler = new ManualScheduler();
  const kill = new KillSwitch(factory);
  const net = new FlakyNetwork(
    20,
    kill.fetchThrough(options.through ?? ((input, init) => globalThis.fetch(input, init))),
  );
  const clock = new SkewedClock(options.skewMs ?? 0);
  const events: string[] = [];
  const given = options.engine?.log;
  const engine = createEngine({
    dbName,
    clientId: 'satchel-extension',
    indexedDB: kill.factory,
    fetch: net.fetch,
    clock,
    scheduler,
    random: () => 0.5,
    ...options.engine,
    log: (entry) => {
      events.push(entry.event);
      given?.(entry);
    },
  });
  await engine.ready;
  const device: TestDevice = {
    name,
    engine,
    scheduler,
    net,
    clock,
    dbName,
    factory,
    events,
    kill,
    restart: async () => {
      scheduler.freeze();
      net.online = false;
      return newDevice(name, { ...options, dbName, skewMs: clock.offsetMs });
    },
    crash: async (step) => {
      const online = net.online;
      kill.killAt(step);
      // The run either dies at its step (and never settles) or ends first.
      let failure: { error: unknown } | null = null;
      const run = engine.syncNow().then(
        () => undefined,
        (error: unknown) => {
          failure = { error };
        },
      );
      await Promise.race([run, kill.dead]);
      const midRun = kill.killed;
      kill.kill();
      // Refused before it started (not the kill's doing): the test must hear of it.
      if (!midRun && failure) throw (failure as { error: unknown }).error;
      const next = await device.restart();
      next.net.online = online;
      return { next, midRun };
    },
  };
  return device;
}

export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function stateOf(device: TestDevice): EngineStatus['state']['kind'] {
  return device.engine.getStatus().state.kind;
}

/** Signs the device in through the device grant: start, approve as the person, poll. */
export async function signIn(
  device: TestDevice,
  backend: Backend,
  credentials: Credentials,
): Promise<void> {
  const state = await device.engine.signIn({
    serverUrl: backend.url,
    deviceName: device.name,
    platform: 'test',
  });
  if (state.kind !== 'signingIn') throw new Error(`expected signingIn, got ${state.kind}`);
  await backend.approve(state.userCode, credentials);
  await device.scheduler.advance(state.expiresAt > 0 ? 5000 : 0);
  await waitFor(`${device.name} to finish signing in`, () => {
    const status = device.engine.getStatus();
    return status.state.kind === 'needsKey'
      ? status.state.mode !== null
      : status.state.kind !== 'signingIn';
  });
}

/**
 * Signs in and sets up the key: creates it when the account has none (returning the recovery
 * key), otherwise unlocks with `recoveryKey`.
 */
export async function connect(
  device: TestDevice,
  backend: Backend,
  credentials: Credentials,
  recoveryKey?: string,
): Promise<string | undefined> {
  await signIn(device, backend, credentials);
  const state = device.engine.getStatus().state;
  if (state.kind !== 'needsKey') throw new Error(`expected needsKey, got ${state.kind}`);
  let created: string | undefined;
  if (state.mode === 'create') {
    created = (await device.engine.createAccountKey()).recoveryKey;
  } else {
    if (!recoveryKey) throw new Error('the account has a key: pass its recovery key');
    await device.engine.unlock({ recoveryKey });
  }
  await settle();
  // Unlocking starts a sync: let it finish so tests start from a quiet device.
  await waitFor(
    `${device.name} to finish its first sync`,
    () => !['syncing', 'needsKey'].includes(stateOf(device)),
  );
  // Writing this device's recipient entry runs beside that sync (lifecycle.ts registerDevice):
  // a test counting requests from here on must not see its late PUT /v1/keys.
  await waitFor(
    `${device.name} to write its recipient entry`,
    async () =>
      (await registeredAs(device)) !== null || device.events.includes('device_key_register_failed'),
  );
  return created;
}

/** The server device id this device's recipient entry was written for, read from its database. */
async function registeredAs(device: TestDevice): Promise<string | null> {
  const db = await openEngineDatabase(device.factory, device.dbName);
  try {
    return (await readMeta(db, 'deviceKey'))?.registeredAs ?? null;
  } finally {
    db.close();
  }
}

/** Syncs until nothing is pending (pushes that merged conflicts need a second run). */
export async function syncQuiet(device: TestDevice, rounds = 4): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    const report = await device.engine.syncNow();
    if (report.result === 'error')
      throw new Error(`${device.name} sync failed: ${report.error?.code} ${report.error?.message}`);
    if (report.result === 'paused') return;
    if (device.engine.getStatus().pendingEdits === 0) return;
  }
}
