/**
 * The engine's lifecycle: how session, keys, pairing, rotation and sync react to one another.
 * Signing in loads the account's key or asks whether to create or unlock it; a key that arrives
 * (created, unlocked, paired, picked up after a rotation) retries quarantined records and starts
 * syncing; a key lost or a device revoked stops it. These are the callbacks the parts call, kept
 * apart from the commands a host calls; the engine hands this class its parts and a `changed`
 * callback, so it never imports the engine.
 */
import type { Limits, TokenResponse } from '../protocol';
import { checkLimits } from './auth/check-limits';
import {
  deletedError,
  lapsedError,
  revokedError,
  type Session,
  sessionFromTokens,
} from './auth/session';
import type { EngineContext, Logger } from './context';
import { writeMeta } from './db/meta';
import type { KeysMeta, PendingSignInMeta } from './db/schema';
import type { Clock } from './deps';
import { AuthError, asEngineError, type EngineError, KeyError } from './errors';
import type { KeyManager } from './keys/key-manager';
import type { KeyRotation } from './keys/rotation';
import type { ErrorInfo } from './status';
import type { SyncController } from './sync/controller';
import { bindToAccount } from './sync/detach';
import { updateSyncMeta } from './sync/sync-meta';
import type { ServerApi } from './transport/api';

export interface LifecycleParts {
  ctx: EngineContext;
  api: ServerApi;
  clock: Clock;
  log: Logger;
  session: Session;
  keys: KeyManager;
  rotation: KeyRotation;
  sync: SyncController;
  /** The server's limits as last stored (protocol v1's defaults before the first sign-in). */
  limits: Limits;
  /** Publish the status; resolves once published (see `StatusFeed.changed`). */
  changed(what?: 'all' | 'state'): Promise<void>;
  isClosed(): boolean;
}

export class Lifecycle {
  /** Sign-in, key and pairing failures: shown while the sync itself reports none. */
  authError: ErrorInfo | null = null;
  limits: Limits;

  constructor(private readonly parts: LifecycleParts) {
    this.limits = parts.limits;
  }

  async signedIn(pending: PendingSignInMeta, tokens: TokenResponse): Promise<void> {
    const { ctx, clock, session, keys } = this.parts;
    const name = pending.deviceName.trim();
    const established = sessionFromTokens(pending.serverUrl, tokens, clock.now(), name);
    // Read before anything is stored, so limits out of bounds leave this device as it was.
    const limits = await this.serverLimits(established.serverUrl, tokens.access_token);
    await bindToAccount(ctx, established.accountId);
    await session.establish(established);
    await keys.load(established.accountId);
    this.authError = null;
    if (limits) {
      this.limits = limits;
      await writeMeta(ctx.db, 'limits', limits);
    }
    await this.parts.changed();
    if (keys.cipher) this.kickSync('startup', true);
    else await this.checkKeys();
  }

  /**
   * The server's limits, or null when they cannot be read (the defaults of protocol v1 apply until
   * they can). Limits out of bounds refuse the sign-in: the fresh session is revoked unstored.
   */
  private async serverLimits(serverUrl: string, accessToken: string): Promise<Limits | null> {
    const { api, log } = this.parts;
    let limits: Limits;
    try {
      limits = (await api.info(serverUrl)).limits;
    } catch (error) {
      log({ level: 'warn', event: 'server_info_failed', code: asEngineError(error).code });
      return null;
    }
    try {
      return checkLimits(limits);
    } catch (error) {
      log({ level: 'warn', event: 'server_limits_refused', code: asEngineError(error).code });
      await api.revoke(serverUrl, accessToken).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Syncs once the key is here. A rotation a restart interrupted while publishing goes first (it
   * may switch the key); this device's recipient entry is written alongside the sync, so that a
   * later rotation elsewhere includes it.
   */
  private async startSyncing(trigger: 'startup' | 'retry', register: boolean): Promise<void> {
    const { rotation, log, sync } = this.parts;
    if (register) void this.registerDevice();
    if (rotation.publishing) {
      try {
        await rotation.resume();
      } catch (error) {
        const failure = asEngineError(error);
        log({ level: 'warn', event: 'key_rotation_resume_failed', code: failure.code });
        // Rolled back or its recovery key lost: the person asked for it, so they must hear.
        if (failure instanceof KeyError) this.setAuthError(failure);
      }
    }
    await sync.request(trigger);
  }

  /** Starts syncing without waiting; a failure (e.g. the engine closed mid-run) is logged. */
  kickSync(trigger: 'startup' | 'retry', register: boolean): void {
    this.startSyncing(trigger, register).catch((error) => {
      if (!this.parts.isClosed())
        this.parts.log({
          level: 'warn',
          event: 'sync_start_failed',
          code: asEngineError(error).code,
        });
    });
  }

  private async registerDevice(): Promise<void> {
    try {
      await this.parts.keys.register();
    } catch (error) {
      // Tried again at the next start; until then a rotation elsewhere would leave us out.
      this.parts.log({
        level: 'warn',
        event: 'device_key_register_failed',
        code: asEngineError(error).code,
      });
    }
  }

  async pairedKeys(keys: KeysMeta): Promise<void> {
    await this.parts.keys.adopt(keys);
    await this.retryQuarantined();
    this.authError = null;
    await this.parts.changed();
    this.kickSync('startup', true);
  }

  /** Asks the server whether to create or unlock the account key; offline leaves it unknown. */
  async checkKeys(): Promise<void> {
    try {
      await this.parts.keys.check();
    } catch (error) {
      const failure = asEngineError(error);
      this.parts.log({ level: 'warn', event: 'key_check_failed', code: failure.code });
      if (!(failure instanceof AuthError))
        this.authError = {
          code: failure.code,
          message: failure.message,
          at: this.parts.clock.now(),
        };
    }
    await this.parts.changed();
  }

  setAuthError(error: EngineError): void {
    this.authError = { code: error.code, message: error.message, at: this.parts.clock.now() };
    void this.parts.changed();
  }

  async revoked(): Promise<void> {
    // Signed out by the server: local data stays, the key goes with the session.
    await this.parts.keys.drop('new_device');
    this.parts.sync.triggers.stop();
    this.setAuthError(revokedError());
  }

  /**
   * The session outlived the server's idle or absolute limit. Unlike a revocation nobody removed
   * this device, and a forged "expired" must cost nothing: the key, data and pending edits stay,
   * so signing in again to the same account resumes without the recovery key.
   */
  async lapsed(): Promise<void> {
    this.parts.sync.triggers.stop();
    this.setAuthError(lapsedError());
  }

  /** Like a lapse: the server's word alone, so nothing local goes (key, data, pending edits). */
  async deleted(): Promise<void> {
    this.parts.sync.triggers.stop();
    this.setAuthError(deletedError());
  }

  /**
   * The server signalled a key change: weigh its document (KeyManager.pickUp). Throws, keeping
   * the key, when the document does not verify or goes backwards.
   */
  async keyPickedUp(): Promise<'unchanged' | 'picked_up' | 'left_out'> {
    let verdict: 'unchanged' | 'picked_up' | 'left_out';
    try {
      verdict = await this.parts.keys.pickUp();
    } catch (error) {
      const failure = asEngineError(error);
      this.parts.log({ level: 'warn', event: 'key_pick_up_failed', code: failure.code });
      throw failure;
    }
    if (verdict === 'picked_up') {
      this.parts.log({ level: 'info', event: 'key_rotation_picked_up' });
      await this.retryQuarantined();
    }
    return verdict;
  }

  /** An authentic document left this device out: only then is the key dropped. */
  async keyLost(error: KeyError): Promise<void> {
    this.parts.log({ level: 'warn', event: 'key_dropped_left_out', code: error.code });
    await this.parts.keys.drop('key_changed');
    this.setAuthError(error);
    await this.checkKeys();
  }

  /** Records set aside under the old key may open now: fetch everything again. */
  async retryQuarantined(): Promise<void> {
    const db = this.parts.ctx.db;
    if ((await db.count('quarantine')) === 0) return;
    const tx = db.transaction(['quarantine', 'meta'], 'readwrite');
    await tx.objectStore('quarantine').clear();
    await updateSyncMeta(tx, { fullResync: true });
    await tx.done;
  }
}
