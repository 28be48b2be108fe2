/**
 * The status feed: derives the engine's state from its parts (sign-in, session, keys, sync,
 * pairing, rotation) and publishes it, with the counts re-read from the database, whenever one
 * of them says something changed. It reads its parts and never commands them, so it is handed
 * them rather than the engine. Not in `status.ts`: `sync/controller.ts` imports that file, and
 * this one reads the sync controller.
 */
import type { Session } from './auth/session';
import type { SignInFlow } from './auth/sign-in-flow';
import { COLLECTION_NAMES, type CollectionName } from './collections';
import type { Logger } from './context';
import { readMeta } from './db/meta';
import type { EngineDatabase } from './db/open';
import { asEngineError } from './errors';
import type { KeyManager } from './keys/key-manager';
import type { KeyRotation, RotationProgress } from './keys/rotation';
import type { LockView } from './lock/device-lock';
import { readOmission } from './omission/omission-state';
import type { PairingFlow } from './pairing/pairing-flow';
import { countLive } from './records/read';
import type { EngineState, EngineStatus, ErrorInfo, StatusStore } from './status';
import type { SyncController } from './sync/controller';
import { readSyncMeta } from './sync/sync-meta';

function emptyCounts(): Record<CollectionName, number> {
  return Object.fromEntries(COLLECTION_NAMES.map((name) => [name, 0])) as Record<
    CollectionName,
    number
  >;
}

export function initialStatus(): EngineStatus {
  return {
    state: { kind: 'signedOut' },
    lastSyncAt: null,
    nextSyncAt: null,
    counts: emptyCounts(),
    dataVersion: 0,
    pendingEdits: 0,
    tooLarge: 0,
    conflicts: 0,
    replaced: 0,
    quarantined: 0,
    withheld: 0,
    decision: null,
    account: null,
    lastError: null,
    pairing: null,
    pairingRequests: 0,
    rotation: null,
    syncMode: 'interval',
    liveIssue: null,
  };
}

export interface StatusSources {
  store: StatusStore;
  db: EngineDatabase;
  log: Logger;
  signInFlow: SignInFlow;
  session: Session;
  keys: KeyManager;
  sync: SyncController;
  pairing: PairingFlow;
  rotation: KeyRotation;
  /** Sign-in, key and pairing failures, shown when the sync itself has none. */
  authError(): ErrorInfo | null;
  /** A closed engine publishes nothing more. */
  isClosed(): boolean;
  /** Whether the live stream is held. */
  syncMode(): 'live' | 'interval';
  /** The device lock (null: off). */
  lock(): LockView | null;
  /** What keeps live sync from working, if anything. */
  liveIssue(): ErrorInfo | null;
}

export class StatusFeed {
  private lastSyncAt: number | null = null;
  private rotationProgress: RotationProgress | null = null;
  private recount: Promise<void> | null = null;
  private recountAgain = false;
  private dataVersion = 0;

  constructor(private readonly sources: StatusSources) {}

  async load(): Promise<void> {
    this.lastSyncAt = (await readSyncMeta(this.sources.db)).lastSyncAt;
  }

  /** Signed out: the rotation's progress is gone before the recount confirms it. */
  forgetRotation(): void {
    this.rotationProgress = null;
  }

  state(): EngineState {
    const { signInFlow, session, keys, sync } = this.sources;
    if (this.sources.lock()?.locked) return { kind: 'locked' };
    const pending = signInFlow.pending;
    if (pending) {
      return {
        kind: 'signingIn',
        userCode: pending.userCode,
        verificationUri: pending.verificationUri,
        verificationUriComplete: pending.verificationUriComplete,
        expiresAt: pending.expiresAt,
      };
    }
    if (!session.current) return { kind: 'signedOut' };
    if (!keys.cipher) return { kind: 'needsKey', mode: keys.mode, reason: keys.reason };
    if (sync.running) return { kind: 'syncing', progress: sync.running };
    if (sync.offlineSince !== null) return { kind: 'offline', since: sync.offlineSince };
    if (sync.lastError) return { kind: 'error', error: sync.lastError };
    return { kind: 'idle' };
  }

  private publish(patch: Partial<EngineStatus> = {}): void {
    const { store, session, keys, sync, pairing } = this.sources;
    const current = session.current;
    store.update({
      state: this.state(),
      nextSyncAt: sync.triggers.nextSyncAt,
      decision: sync.decision,
      tooLarge: session.current ? sync.tooLarge : 0,
      lastSyncAt: this.lastSyncAt,
      // Signed out by the server, its reason outranks whatever the last run met.
      lastError: current
        ? (sync.lastError ?? this.sources.authError())
        : (this.sources.authError() ?? sync.lastError),
      pairing: pairing.view,
      pairingRequests: keys.cipher ? pairing.requests : 0,
      rotation: this.rotationProgress,
      syncMode: this.sources.syncMode(),
      lock: this.sources.lock(),
      liveIssue: this.sources.liveIssue(),
      account: current
        ? {
            serverUrl: current.serverUrl,
            accountId: current.accountId,
            deviceId: current.deviceId,
            fingerprint: keys.cipher?.fingerprint ?? null,
          }
        : null,
      ...patch,
    });
  }

  /**
   * Something changed: publish the state now and the counts once they are re-read (`state`: the
   * records did not change, only re-read when the last sync was).
   */
  changed(what: 'all' | 'state' = 'all'): Promise<void> {
    if (this.sources.isClosed()) return Promise.resolve();
    this.publish();
    return what === 'all' ? this.refreshCounts() : this.refreshLastSync();
  }

  private async refreshLastSync(): Promise<void> {
    try {
      this.lastSyncAt = (await readSyncMeta(this.sources.db)).lastSyncAt;
      if (!this.sources.isClosed()) this.publish();
    } catch (error) {
      this.sources.log({
        level: 'error',
        event: 'status_refresh_failed',
        code: asEngineError(error).code,
      });
    }
  }

  /** One recount at a time; changes during it ask for one more, so the last one is counted. */
  async refreshCounts(): Promise<void> {
    if (this.recount) {
      this.recountAgain = true;
      return this.recount;
    }
    const { db, rotation, log } = this.sources;
    this.recount = (async () => {
      do {
        this.recountAgain = false;
        if (this.sources.isClosed()) return;
        const [counts, outbox, conflicts, replacedNotes, quarantined, meta, progress, omission] =
          await Promise.all([
            countLive(db),
            db.count('outbox'),
            db.count('conflicts'),
            readMeta(db, 'replacedEdits'),
            db.count('quarantine'),
            readSyncMeta(db),
            // While locked the rotation's state is sealed: its progress shows after unlock.
            this.sources.lock()?.locked ? null : rotation.progress(),
            readOmission(db),
          ]);
        const withheld = this.sources.session.current ? (omission.report?.withheld ?? 0) : 0;
        this.lastSyncAt = meta.lastSyncAt;
        this.rotationProgress = progress;
        // Records queued only to be resealed are not edits of the person's.
        const resealing = progress ? progress.total - progress.done : 0;
        const pendingEdits = Math.max(0, outbox - resealing);
        const replaced = replacedNotes?.length ?? 0;
        this.publish({
          counts,
          dataVersion: ++this.dataVersion,
          pendingEdits,
          conflicts,
          replaced,
          quarantined,
          withheld,
        });
      } while (this.recountAgain);
    })()
      .catch((error) =>
        log({ level: 'error', event: 'status_refresh_failed', code: asEngineError(error).code }),
      )
      .finally(() => {
        this.recount = null;
      });
    return this.recount;
  }
}
