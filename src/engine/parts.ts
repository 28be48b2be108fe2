/**
 * The engine's parts and the wires between them: session, keys, sign-in, sync, rotation and
 * pairing, each told whom to call when something happens to it (the lifecycle for reactions,
 * the status feed for what to show). Built in one place so that the engine's own file holds
 * only its commands, and so that no part has to import another to reach it.
 */
import type { Limits } from '../protocol';
import { Session } from './auth/session';
import { SignInFlow } from './auth/sign-in-flow';
import type { CollectionName } from './collections';
import type { EngineContext } from './context';
import { readMeta } from './db/meta';
import type { Scheduler } from './deps';
import { asEngineError } from './errors';
import type { KeyOptions } from './keys/account-key';
import { KeyManager } from './keys/key-manager';
import { retireEarlierEpochs } from './keys/retirement';
import { KeyRotation } from './keys/rotation';
import { Lifecycle } from './lifecycle';
import { LiveClient } from './live/live-client';
import type { LiveSocketFactory } from './live/socket';
import type { LockView } from './lock/device-lock';
import { PairingFlow } from './pairing/pairing-flow';
import type { StatusStore } from './status';
import { StatusFeed } from './status-feed';
import { SyncController } from './sync/controller';
import { readSyncMeta } from './sync/sync-meta';
import type { ServerApi } from './transport/api';
import type { ServerClock } from './transport/server-clock';

export interface PartsInput {
  ctx: EngineContext;
  api: ServerApi;
  /** The server's clock, for the deadlines it sets (a pairing's expiry). */
  serverClock: ServerClock;
  scheduler: Scheduler;
  store: StatusStore;
  /** The server's limits as last stored. */
  limits: Limits;
  random: () => number;
  editDebounceMs: number;
  keyOptions: KeyOptions;
  /** Opens the live stream; null: this host holds none (timed sync only). */
  liveSocket: LiveSocketFactory | null;
  isClosed(): boolean;
  /** The device lock's state, for the status (null: the lock is off). */
  lock(): LockView | null;
}

export interface EngineParts {
  session: Session;
  keys: KeyManager;
  signInFlow: SignInFlow;
  sync: SyncController;
  rotation: KeyRotation;
  pairing: PairingFlow;
  feed: StatusFeed;
  lifecycle: Lifecycle;
  live: LiveClient;
  /** Unhooks the parts from the status store (the device locked: they are replaced). */
  detach(): void;
}

/**
 * The callbacks read `lifecycle`, `feed` and `pairing` only when they fire: all are built
 * here in one synchronous stretch, before any part can call back.
 */
export function buildParts(input: PartsInput): EngineParts {
  const { ctx, api, scheduler, isClosed } = input;
  const { db, clock, log } = ctx;
  const session: Session = new Session(db, api, clock, (why) =>
    why === 'lapsed'
      ? lifecycle.lapsed()
      : why === 'deleted'
        ? lifecycle.deleted()
        : lifecycle.revoked(),
  );
  const keys: KeyManager = new KeyManager(db, api, session, input.keyOptions, log);
  const signInFlow: SignInFlow = new SignInFlow(db, api, clock, scheduler, log, {
    approved: (pending, tokens) => lifecycle.signedIn(pending, tokens),
    failed: (error) => lifecycle.setAuthError(error),
    changed: () => feed.changed(),
  });
  const sync: SyncController = new SyncController({
    ctx,
    api,
    session,
    keys,
    scheduler,
    random: input.random,
    editDebounceMs: input.editDebounceMs,
    limits: () => lifecycle.limits,
    changed: (what) => feed.changed(what),
    keyLost: (error) => lifecycle.keyLost(error),
    keyPickedUp: () => lifecycle.keyPickedUp(),
    pairingsNoticed: (count) => pairing.noticed(count),
    wrote: (seq) => live.wrote(seq),
    ran: () => live.ran(),
    afterRun: async (cipher, limits) => {
      const retirement = {
        db,
        api,
        session,
        log,
        options: input.keyOptions,
        syncs: (collection: string) =>
          ctx.settings.collections[collection as CollectionName] === true,
        retired: (below: number, rev: number) => keys.retired(below, rev),
        wrote: (seq: number) => live.wrote(seq),
      };
      await retireEarlierEpochs(retirement, cipher, limits);
    },
  });
  const rotation: KeyRotation = new KeyRotation({
    db,
    api,
    session,
    clock,
    log,
    options: input.keyOptions,
    adopt: (held) => keys.replace(held),
    syncs: (collection) => ctx.settings.collections[collection as CollectionName] === true,
  });
  const pairing: PairingFlow = new PairingFlow({
    db,
    api,
    session,
    clock: input.serverClock,
    scheduler,
    log,
    keys: async () => (keys.cipher ? ((await readMeta(db, 'keys')) ?? null) : null),
    adopt: (paired) => lifecycle.pairedKeys(paired),
    changed: () => void feed.changed('state'),
    failed: (error) => lifecycle.setAuthError(error),
  });
  const feed: StatusFeed = new StatusFeed({
    store: input.store,
    db,
    log,
    signInFlow,
    session,
    keys,
    sync,
    pairing,
    rotation,
    authError: () => lifecycle.authError,
    isClosed,
    syncMode: () => live.mode,
    lock: input.lock,
    liveIssue: () => live.issue,
  });
  const lifecycle: Lifecycle = new Lifecycle({
    ctx,
    api,
    clock,
    log,
    session,
    keys,
    rotation,
    sync,
    limits: input.limits,
    changed: (what) => feed.changed(what),
    isClosed,
  });
  const live: LiveClient = new LiveClient({
    factory: input.liveSocket,
    session,
    scheduler,
    random: input.random,
    log,
    // With automatic sync paused every poke's pull would be skipped: no stream to hold awake.
    enabled: () => ctx.settings.liveSync && ctx.settings.autoSync,
    cursor: async () => {
      const cursor = (await readSyncMeta(db)).cursor;
      return cursor === null ? null : Number(cursor);
    },
    pull: () => sync.request('live'),
    syncBusy: () => sync.busy,
    // A pairing under way polls every 1.5 s anyway; otherwise new requests are counted now.
    pairingChanged: () => {
      if (!pairing.view && keys.cipher)
        pairing.list().catch((error) =>
          log({
            level: 'warn',
            event: 'live_pairing_count_failed',
            code: asEngineError(error).code,
          }),
        );
    },
    keysChanged: async () => {
      const before = keys.cipher?.fingerprint;
      if (!before) return lifecycle.checkKeys();
      if ((await lifecycle.keyPickedUp()) && keys.cipher?.fingerprint !== before)
        await sync.request('live');
    },
    revoked: () => void sync.request('live'),
    changed: () => void feed.changed('state'),
    now: () => clock.now(),
  });
  // Every change of status may be one the stream follows: sign-in or out, a key, the setting.
  const detach = input.store.subscribe(() => live.reconcile());
  return { session, keys, signInFlow, sync, rotation, pairing, feed, lifecycle, live, detach };
}
