/**
 * Key rotation after a device is revoked: a new master key epoch, sealed to the recovery key,
 * the passphrase and every remaining device, but not to revoked ones. Crash-safe in two phases:
 *
 * 1. publishing: the new document and keys are written locally before they are sent. After a
 *    restart the server's document tells what happened: ours (the answer was lost: go on), the
 *    one we replaced (send again), or another (a device changed it meanwhile: roll back; nothing
 *    was published, so every record is still readable under the key we hold).
 * 2. resealing: the server holds the new epoch, whose document carries the earlier masters, so
 *    records still sealed under them stay readable by every device that holds the new key. Every
 *    synced record is queued once (`reseal`) and re-uploaded under the new key by ordinary pushes;
 *    the durable outbox makes this part resume by itself.
 */
import type { KeyDocument } from '../../protocol';
import { fromBase64url } from '../../protocol/base64url';
import type { Session } from '../auth/session';
import type { Logger } from '../context';
import {
  CryptoError,
  generateMasterKey,
  generateRecoveryKey,
  inspectKeyDocument,
  rotateKeyDocument,
} from '../crypto';
import { deleteMeta, metaGuarded, readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { KeysMeta, RotationMeta } from '../db/schema';
import { rowStore } from '../db/sealed-rows';
import type { Clock } from '../deps';
import { KeyError, ServerError, StateError } from '../errors';
import { randomId } from '../ids';
import type { ServerApi } from '../transport/api';
import type { KeyOptions } from './account-key';
import { revokedHere } from './revoked-here';
import { planRecipients, publicKeyFingerprint, type RotationPlan } from './rotation-recipients';

/** A rotation's request: `revoke` makes it the revoke-and-rotate action. */
export interface RotationChange {
  newRecoveryKey?: boolean;
  /** Device ids revoked here: dropped from the new epoch whatever the server lists. */
  revoke?: readonly string[];
}

export interface RotationProgress {
  epoch: number;
  total: number;
  done: number;
}

type Publishing = Extract<RotationMeta, { phase: 'publishing' }>;

/** Rebuilds of a rotation raced by other devices' writes before giving up. */
const START_ATTEMPTS = 4;

export interface RotationDeps {
  db: EngineDatabase;
  api: ServerApi;
  session: Session;
  clock: Clock;
  log: Logger;
  options: KeyOptions;
  /** Makes `keys` this device's current key (cipher included). */
  adopt(keys: KeysMeta): Promise<void>;
  /** Whether this device syncs the collection: others are resealed by the retirement sweep. */
  syncs(collection: string): boolean;
}

export class KeyRotation {
  /** A rotation was left in its publishing phase: resume it before syncing. */
  publishing = false;

  constructor(private readonly deps: RotationDeps) {}

  async load(): Promise<void> {
    this.publishing = (await readMeta(this.deps.db, 'rotation'))?.phase === 'publishing';
  }

  /**
   * Starts a rotation; returns the new recovery key once when one was made. Another device
   * writing the document meanwhile without rotating (adding its own entry, a rewrap) only means
   * building the rotation again on top of its write.
   */
  async start(change: RotationChange = {}): Promise<{ recoveryKey: string | null }> {
    const { db } = this.deps;
    if (await readMeta(db, 'rotation')) {
      throw new StateError('rotation_in_progress', 'A key rotation is already under way');
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(change);
      } catch (error) {
        const raced = error instanceof KeyError && error.code === 'key_document_conflict';
        if (!raced || attempt >= START_ATTEMPTS) throw error;
        this.deps.log({ level: 'info', event: 'key_rotation_rebuilt', attempt });
      }
    }
  }

  /**
   * The recipients the next epoch would have if `revoke` were revoked now, for the person to
   * confirm before the action runs.
   */
  async preview(revoke: readonly string[]): Promise<RotationPlan> {
    const { devices, inspected, keys } = await this.inspectCurrent();
    const earlier = await revokedHere(this.deps.db, keys.accountId);
    const fingerprints = new Map<string, string>();
    for (const [id, pub] of inspected.devicePublicKeys) {
      const bytes = fromBase64url(pub);
      if (bytes) fingerprints.set(id, await publicKeyFingerprint(bytes));
    }
    return planRecipients(
      inspected.devices,
      devices,
      [...revoke, ...earlier],
      this.deps.session.current?.deviceId ?? null,
      fingerprints,
      inspected.deviceNames,
    );
  }

  private async inspectCurrent() {
    const { db, api, session } = this.deps;
    const keys = await readMeta(db, 'keys');
    if (!keys) throw new StateError('locked', 'Unlock the account key first');
    const [current, devices] = await Promise.all([
      session.withAccess((server, token) => api.getKeys(server, token)),
      session.withAccess((server, token) => api.devices(server, token)),
    ]);
    if (!current || current.key_fingerprint !== keys.fingerprint) {
      throw new KeyError('key_changed', 'The account key changed on another device: sync first');
    }
    // Verified under the pinned K_auth: the device list below is authenticated.
    const inspected = await inspectKeyDocument(
      current.key_document,
      keys.accountId,
      keys.master,
      this.deps.options,
    );
    return { keys, current, devices, inspected };
  }

  private async attempt(change: RotationChange): Promise<{ recoveryKey: string | null }> {
    const { db } = this.deps;
    const { keys, current, devices, inspected } = await this.inspectCurrent();
    const revoke = change.revoke ?? [];
    // Also every device revoked here before (a revoke, then "Rotate key now"), whatever the
    // server lists now. Those this rotation revokes need no note: the new document drops them,
    // and no later rotation can add a device back, as it keeps only the document's recipients.
    const excluded = [...revoke, ...(await revokedHere(db, keys.accountId))];
    let keepDevices = planRecipients(inspected.devices, devices, excluded, null).keep;
    if (!change.revoke) {
      // A plain rotation (nothing revoked in it) also drops devices the server no longer lists;
      // the server can only take recipients away this way, never add one.
      const live = new Set(devices.map((device) => device.id));
      keepDevices = keepDevices.filter((id) => live.has(id));
    }
    const recoveryKey = change.newRecoveryKey ? generateRecoveryKey() : null;
    const newMaster = generateMasterKey();
    let rotated: Awaited<ReturnType<typeof rotateKeyDocument>>;
    try {
      rotated = await rotateKeyDocument(current.key_document, {
        accountId: keys.accountId,
        master: keys.master,
        newMaster,
        keepDevices,
        ...(recoveryKey ? { recoveryKey } : {}),
        ...this.deps.options,
      });
    } catch (error) {
      if (error instanceof CryptoError) {
        throw new KeyError(
          'key_document_invalid',
          "The account's key document could not be rotated",
          error,
        );
      }
      throw error;
    }
    // K_auth rotated with the master; other devices reach it through the transition tag.
    const authKey = rotated.authKey;
    const meta: Publishing = {
      phase: 'publishing',
      accountId: keys.accountId,
      baseRev: current.rev,
      document: rotated.document,
      keys: {
        accountId: keys.accountId,
        master: newMaster,
        tokenRoot: keys.tokenRoot,
        epoch: rotated.epoch,
        fingerprint: rotated.fingerprint,
        authKey,
        previous: [
          { epoch: keys.epoch, master: keys.master, fingerprint: keys.fingerprint },
          ...(keys.previous ?? []),
        ],
      },
      newRecoveryKey: recoveryKey !== null,
      startedAt: this.deps.clock.now(),
      ...(revoke.length > 0 ? { revoke: [...revoke] } : {}),
    };
    // Recorded before the server hears of it, so a restart still revokes what was asked.
    await writeMeta(db, 'rotation', meta);
    this.publishing = true;
    this.deps.log({ level: 'info', event: 'key_rotation_started', epoch: rotated.epoch });
    await this.revokeOnServer(meta);
    await this.publish(meta);
    return { recoveryKey };
  }

  /** Carries on with a rotation a restart interrupted. */
  async resume(): Promise<void> {
    const meta = await readMeta(this.deps.db, 'rotation');
    if (meta?.phase !== 'publishing') return;
    const current = await this.deps.session.withAccess((server, token) =>
      this.deps.api.getKeys(server, token),
    );
    await this.revokeOnServer(meta);
    if (current?.key_fingerprint === meta.keys.fingerprint) {
      await this.commit(meta);
      if (meta.newRecoveryKey) {
        throw new KeyError(
          'recovery_key_lost',
          'A key rotation was interrupted before its new recovery key was shown: make a new recovery key now',
        );
      }
    } else if (current?.rev === meta.baseRev) {
      await this.publish(meta);
    } else {
      await this.rollBack('the account key document changed on another device');
      throw new KeyError(
        'key_document_conflict',
        'A key rotation cut short by a restart was undone: another device changed the account key document meanwhile. Nothing was lost; rotate again.',
      );
    }
  }

  /** Withdraws the revoked devices' sessions; one already gone is what was asked. */
  private async revokeOnServer(meta: Publishing): Promise<void> {
    const { api, session } = this.deps;
    for (const id of meta.revoke ?? []) {
      try {
        await session.withAccess((server, token) => api.revokeDevice(server, token, id));
      } catch (error) {
        if (!(error instanceof ServerError && error.status === 404)) throw error;
      }
    }
  }

  private async publish(meta: Publishing): Promise<void> {
    const { api, session } = this.deps;
    const write = {
      key_document: meta.document,
      key_fingerprint: meta.keys.fingerprint,
      epoch: meta.keys.epoch,
    };
    let published: KeyDocument;
    try {
      published = await session.withAccess((server, token) =>
        api.replaceKeys(server, token, write, meta.baseRev),
      );
    } catch (error) {
      if (!(error instanceof KeyError && error.code === 'key_document_conflict')) throw error;
      const current = await session.withAccess((server, token) => api.getKeys(server, token));
      if (current?.key_fingerprint !== meta.keys.fingerprint) {
        await this.rollBack('another device changed the key document first');
        throw new KeyError(
          'key_document_conflict',
          'The account key changed on another device during the rotation: nothing was changed, try again',
          error,
        );
      }
      published = current;
    }
    if (published.key_fingerprint !== meta.keys.fingerprint) {
      throw new KeyError('key_document_invalid', 'The server did not keep the rotated key');
    }
    await this.commit(meta);
  }

  /**
   * The server holds the new epoch: switch to it and queue every synced record for resealing,
   * tombstones included (a tombstone left under an old epoch keeps that epoch in use).
   */
  private async commit(meta: Publishing): Promise<void> {
    const { db } = this.deps;
    const tx = db.transaction(['records', 'outbox', 'meta'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    let total = 0;
    let cursor = await rowStore(tx, 'records').openCursor();
    while (cursor) {
      const row = cursor.value;
      const queue = row.base && this.deps.syncs(row.collection);
      if (queue && !(await outbox.get([row.collection, row.id]))) {
        await outbox.put({
          collection: row.collection,
          id: row.id,
          opId: randomId(12),
          queuedAt: this.deps.clock.now(),
          held: false,
          reseal: true,
        });
        total += 1;
      }
      cursor = await cursor.continue();
    }
    const resealing: RotationMeta = {
      phase: 'resealing',
      accountId: meta.accountId,
      epoch: meta.keys.epoch,
      total,
      startedAt: meta.startedAt,
    };
    // With the device lock on, keys and rotation are sealed in the vault, which cannot write
    // inside this transaction: they follow it. A crash between leaves `publishing`, which a
    // restart resumes by committing again (the queued reseals are kept, not doubled).
    const sealed = metaGuarded(db, 'keys');
    if (!sealed) {
      await tx.objectStore('meta').put(meta.keys, 'keys');
      await tx.objectStore('meta').put(resealing, 'rotation');
    }
    await tx.done;
    if (sealed) {
      await writeMeta(db, 'keys', meta.keys);
      await writeMeta(db, 'rotation', resealing);
    }
    this.publishing = false;
    await this.deps.adopt(meta.keys);
    this.deps.log({
      level: 'info',
      event: 'key_rotation_published',
      epoch: meta.keys.epoch,
      total,
    });
  }

  private async rollBack(why: string): Promise<void> {
    await deleteMeta(this.deps.db, 'rotation');
    this.publishing = false;
    this.deps.log({ level: 'warn', event: 'key_rotation_rolled_back', message: why });
  }

  /**
   * Progress of the resealing phase; null once every queued record went out. The rotation ends
   * when the sweep after a sync retires the earlier epochs (retirement.ts).
   */
  async progress(): Promise<RotationProgress | null> {
    const { db } = this.deps;
    const meta = await readMeta(db, 'rotation');
    if (!meta) return null;
    if (meta.phase === 'publishing') return { epoch: meta.keys.epoch, total: 0, done: 0 };
    const queued = (await db.getAll('outbox')).filter(
      (row) => row.reseal && this.deps.syncs(row.collection),
    ).length;
    if (queued === 0) return null;
    return { epoch: meta.epoch, total: meta.total, done: Math.max(0, meta.total - queued) };
  }

  /** Sign-out or another account: a rotation in flight belongs to the session that started it. */
  async forget(): Promise<void> {
    await deleteMeta(this.deps.db, 'rotation');
    this.publishing = false;
  }
}
