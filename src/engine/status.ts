/** The engine's observable status: one snapshot any UI can render, pushed on every change. */
import type { CollectionName } from './collections';
import type { Logger } from './context';
import type { RotationProgress } from './keys/rotation';
import type { LockView } from './lock/device-lock';
import type { PairingView } from './pairing/pairing-flow';
import type { Decision } from './sync/run';

export interface ErrorInfo {
  code: string;
  message: string;
  at: number;
}

export type EngineState =
  | { kind: 'signedOut' }
  /** Waiting for the person to approve `userCode` at `verificationUri`. */
  | {
      kind: 'signingIn';
      userCode: string;
      verificationUri: string;
      verificationUriComplete: string;
      expiresAt: number;
    }
  /**
   * Signed in, but the account key is not on this device. `create`: the account has none yet
   * (first device); `unlock`: enter the recovery key or passphrase; null: not known yet (offline).
   */
  | { kind: 'needsKey'; mode: 'create' | 'unlock' | null; reason: 'new_device' | 'key_changed' }
  | { kind: 'idle' }
  | { kind: 'syncing'; progress: { done: number; total: number; estimated?: boolean } }
  | { kind: 'offline'; since: number }
  | { kind: 'error'; error: ErrorInfo }
  /** The device lock is on and locked: nothing that needs a key or token runs until unlocked. */
  | { kind: 'locked' };

export interface AccountInfo {
  serverUrl: string;
  accountId: string;
  /** The server's id for this device. */
  deviceId: string;
  /** Public fingerprint of the account key, once unlocked. */
  fingerprint: string | null;
}

export interface EngineStatus {
  state: EngineState;
  lastSyncAt: number | null;
  /** When the next automatic sync is due (null: none scheduled). */
  nextSyncAt: number | null;
  /** Live records per collection on this device. */
  counts: Record<CollectionName, number>;
  /**
   * Moves each time the records may have changed (an edit, a sync that brought or sent
   * something, an unlock) and never for progress alone: a page lists again when it moves.
   */
  dataVersion: number;
  /** Local changes not yet acknowledged by the server. */
  pendingEdits: number;
  /**
   * Of those, edits the last sync could not send because, sealed, they are larger than the
   * server accepts (`max_payload_bytes`): kept here until shortened.
   */
  tooLarge: number;
  /** Conflicts waiting for a person (manual strategy). */
  conflicts: number;
  /** Edits of this device a newer edit replaced (keep the most recent), not yet dismissed. */
  replaced: number;
  /** Remote records that could not be opened or validated, set aside. */
  quarantined: number;
  /**
   * Records other devices' state manifests say they hold that the server has not served this
   * device (kept as they are here; asked for again until served).
   */
  withheld: number;
  /** A choice the person must make before sync goes on (first join, bulk delete). */
  decision: Decision | null;
  account: AccountInfo | null;
  /** The last failure, kept after the state moved on (e.g. a denied sign-in). */
  lastError: ErrorInfo | null;
  /** The pairing this device takes part in (either side), null when none. */
  pairing: PairingView | null;
  /** Requests from new devices this device could approve (as the last pull saw them). */
  pairingRequests: number;
  /** A key rotation under way on this device: records re-uploaded so far. */
  rotation: RotationProgress | null;
  /**
   * `live`: the live stream is open, so edits elsewhere arrive at once; `interval`: syncs come
   * from the timer (live sync off, or the stream not held right now).
   */
  syncMode: 'live' | 'interval';
  /** The device lock (absent or null: off). */
  lock?: LockView | null;
  /**
   * Why live sync is not working as it should while it is on (`live_fallback`: the stream is not
   * held, syncs come from the timer; `live_message_refused`: the server broke the stream's
   * contract, the message was ignored); null when all is well or live sync is off.
   */
  liveIssue: ErrorInfo | null;
}

export type StatusListener = (status: EngineStatus) => void;

export class StatusStore {
  private status: EngineStatus;
  private readonly listeners = new Set<StatusListener>();

  constructor(
    initial: EngineStatus,
    private readonly log: Logger,
  ) {
    this.status = Object.freeze(initial);
  }

  get(): EngineStatus {
    return this.status;
  }

  update(patch: Partial<EngineStatus>): void {
    this.status = Object.freeze({ ...this.status, ...patch });
    for (const listener of this.listeners) {
      try {
        listener(this.status);
      } catch (error) {
        // A broken UI listener must not break the engine; it is reported, not hidden.
        this.log({
          level: 'error',
          event: 'status_listener_failed',
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  /** Calls `listener` now with the current status and on every change; returns an unsubscribe. */
  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }
}
