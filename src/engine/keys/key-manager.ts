/**
 * The account key on this device: loaded from IndexedDB at start, created on the account's
 * first device, unlocked on the others, re-wrapped (new recovery key, passphrase), and dropped
 * on sign-out, revocation or when another device rotated the key.
 */
import type { KeyDocument } from '../../protocol';
import type { Session } from '../auth/session';
import type { Logger } from '../context';
import {
  CryptoError,
  generateRecoveryKey,
  inspectKeyDocument,
  type KeySecret,
  rewrapKeyDocument,
} from '../crypto';
import { deleteMeta, readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { KeysMeta } from '../db/schema';
import { asEngineError, KeyError, StateError } from '../errors';
import { RecordCipher } from '../sync/cipher';
import type { ServerApi } from '../transport/api';
import { type KeyOptions, newAccountKey, unlockAccountKey } from './account-key';
import { openAsRecipient, registerDeviceRecipient } from './device-recipient';
import { checkAgainstPins, raisePins, readPins } from './key-pins';

export type KeyMode = 'create' | 'unlock' | null;

/** Writes of the same key by other devices (re-wraps) that a re-wrap rebuilds upon. */
const REWRAP_ATTEMPTS = 3;

/** `keys` with the epochs below `retiredBelow` retired (their records refused). Never lowers it. */
function withRetirement(keys: KeysMeta, retiredBelow: number): KeysMeta {
  const below = Math.max(retiredBelow, keys.retiredBelow ?? 0);
  return below === 0 || below === keys.retiredBelow ? keys : { ...keys, retiredBelow: below };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export class KeyManager {
  cipher: RecordCipher | null = null;
  mode: KeyMode = null;
  reason: 'new_device' | 'key_changed' = 'new_device';
  private document: KeyDocument | null = null;

  constructor(
    private readonly db: EngineDatabase,
    private readonly api: ServerApi,
    private readonly session: Session,
    private readonly options: KeyOptions,
    private readonly log: Logger,
  ) {}

  /** Loads the stored key for this account, if any. */
  async load(accountId: string): Promise<void> {
    const keys = await readMeta(this.db, 'keys');
    this.cipher = keys && keys.accountId === accountId ? await RecordCipher.create(keys) : null;
  }

  /** Asks the server whether the account has a key document (create vs unlock). */
  async check(): Promise<KeyMode> {
    this.document = await this.session.withAccess((server, token) =>
      this.api.getKeys(server, token),
    );
    this.mode = this.document ? 'unlock' : 'create';
    return this.mode;
  }

  private accountId(): string {
    const session = this.session.current;
    if (!session)
      throw new StateError('not_signed_in', 'Sign in before setting up the account key');
    return session.accountId;
  }

  async create(passphrase?: string): Promise<string> {
    const accountId = this.accountId();
    if (this.cipher)
      throw new StateError('key_not_needed', 'This device already holds the account key');
    const created = await newAccountKey(accountId, passphrase, this.options);
    try {
      this.document = await this.session.withAccess((server, token) =>
        this.api.createKeys(server, token, created.write),
      );
    } catch (error) {
      if (error instanceof KeyError && error.code === 'key_document_conflict') {
        await this.check();
        throw new KeyError(
          'key_document_conflict',
          'Another device created the account key first: unlock with its recovery key',
          error,
        );
      }
      throw error;
    }
    await this.store(created.keys, this.document?.rev ?? null);
    return created.recoveryKey;
  }

  /**
   * Unlocks with the recovery key or passphrase. The document must be the key this device last
   * verified or a later one carrying it forward (`key_rollback` otherwise), unless `reset`: the
   * person chose to start over from whatever the server holds now.
   */
  async unlock(secret: KeySecret, options: { reset?: boolean } = {}): Promise<void> {
    const accountId = this.accountId();
    // Read afresh: a document kept from an earlier check may be stale or one just refused.
    await this.check();
    const document = this.document as KeyDocument | null;
    if (!document)
      throw new StateError(
        'key_not_needed',
        'The account has no key yet: create it on this device',
      );
    const keys = await unlockAccountKey(document, accountId, secret, this.options);
    if (!options.reset) await checkAgainstPins(await readPins(this.db, accountId), keys);
    await this.store(keys, document.rev, options.reset);
  }

  /**
   * Replaces the recovery key and/or sets, changes or removes the passphrase. A write raced by
   * another device is rebuilt on the document that won, unless that one carries a new key: the
   * person must sync (and unlock) first, so the error says `key_changed`.
   */
  async rewrap(change: {
    newRecoveryKey?: boolean;
    passphrase?: string | null;
  }): Promise<{ recoveryKey: string | null }> {
    const keys = await readMeta(this.db, 'keys');
    if (!keys || !this.cipher) throw new StateError('locked', 'Unlock the account key first');
    const recoveryKey = change.newRecoveryKey ? generateRecoveryKey() : null;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.rewrapOnce(keys, change, recoveryKey);
        return { recoveryKey };
      } catch (error) {
        const raced = error instanceof KeyError && error.code === 'key_document_conflict';
        if (!raced || attempt >= REWRAP_ATTEMPTS) throw error;
      }
    }
  }

  private async rewrapOnce(
    keys: KeysMeta,
    change: { passphrase?: string | null },
    recoveryKey: string | null,
  ): Promise<void> {
    const current = await this.session.withAccess((server, token) =>
      this.api.getKeys(server, token),
    );
    if (!current || current.key_fingerprint !== keys.fingerprint) {
      throw new KeyError(
        'key_changed',
        'The account key changed on another device: unlock again first',
      );
    }
    let document: string;
    try {
      document = await rewrapKeyDocument(current.key_document, {
        master: keys.master,
        accountId: keys.accountId,
        ...(recoveryKey ? { recoveryKey } : {}),
        ...(change.passphrase === undefined ? {} : { passphrase: change.passphrase }),
        ...this.options,
      });
    } catch (error) {
      if (
        error instanceof CryptoError &&
        (error.code === 'weak_passphrase' || error.code === 'guessable_passphrase')
      )
        throw new KeyError(error.code, error.message, error);
      throw error;
    }
    const write = {
      key_document: document,
      key_fingerprint: current.key_fingerprint,
      epoch: current.epoch,
    };
    this.document = await this.session.withAccess((server, token) =>
      this.api.replaceKeys(server, token, write, current.rev),
    );
  }

  /** Keys received from another device (pairing): checked against the account's document. */
  async adopt(received: KeysMeta): Promise<void> {
    let keys = received;
    const accountId = this.accountId();
    const current = await this.session.withAccess((server, token) =>
      this.api.getKeys(server, token),
    );
    if (
      keys.accountId !== accountId ||
      !current ||
      current.key_fingerprint !== keys.fingerprint ||
      current.epoch !== keys.epoch
    ) {
      throw new KeyError(
        'key_document_invalid',
        "The key from the other device is not the account's current key",
      );
    }
    try {
      // The document's MAC must verify under the authentication key the other device sent.
      const inspected = await inspectKeyDocument(
        current.key_document,
        accountId,
        keys.master,
        this.options,
      );
      if (keys.authKey && !sameBytes(inspected.authKey, keys.authKey)) {
        throw new KeyError('key_document_invalid', 'The authentication keys differ');
      }
      keys = withRetirement({ ...keys, authKey: inspected.authKey }, inspected.retiredBelow);
    } catch (error) {
      throw new KeyError(
        'key_document_invalid',
        "The key from the other device does not open the account's key document",
        error,
      );
    }
    await this.store(keys, current.rev);
  }

  /**
   * The server says the key changed: check its document against what this device holds.
   * `unchanged`: the document is still ours (the signal was not backed by it); `picked_up`:
   * another device rotated and sealed the new epoch to this one; `left_out`: an authentic later
   * document without this device (the only verdict that lets the caller drop the key). Anything
   * else throws `key_unverified` (or `key_document_invalid` for an older epoch) and keeps the key.
   */
  async pickUp(): Promise<'unchanged' | 'picked_up' | 'left_out'> {
    const keys = await readMeta(this.db, 'keys');
    const session = this.session.current;
    if (!keys || !session) return 'left_out';
    const current = await this.session.withAccess((server, token) =>
      this.api.getKeys(server, token),
    );
    if (!current) {
      throw new KeyError(
        'key_unverified',
        'The server says the account has no key document, yet this device holds its key',
      );
    }
    if (current.key_fingerprint === keys.fingerprint && current.epoch === keys.epoch) {
      await this.followRetirement(keys, current);
      return 'unchanged';
    }
    const verdict = await openAsRecipient(this.db, current, keys, session.deviceId, this.options);
    if (verdict.kind === 'left_out') {
      // The authentic later document is the newest this device has verified: a re-unlock must
      // not go below it, even though this device never held its master.
      if (verdict.verified) await raisePins(this.db, { ...keys, ...verdict.verified }, current.rev);
      return 'left_out';
    }
    await this.store(verdict.keys, current.rev);
    return 'picked_up';
  }

  /**
   * The same epoch's document may have retired earlier epochs (the rotating device resealed
   * everything): verified under the master this device holds, the retirement is taken up, and
   * never undone. A document that does not verify changes nothing here.
   */
  private async followRetirement(keys: KeysMeta, current: KeyDocument): Promise<void> {
    let retiredBelow: number;
    try {
      ({ retiredBelow } = await inspectKeyDocument(
        current.key_document,
        keys.accountId,
        keys.master,
        this.options,
      ));
    } catch (error) {
      this.log({
        level: 'warn',
        event: 'key_retirement_unverified',
        code: asEngineError(error).code,
      });
      return;
    }
    if (retiredBelow <= (keys.retiredBelow ?? 0)) return;
    await this.store(withRetirement(keys, retiredBelow), current.rev);
  }

  /** Adds this device's public key to the document so a future rotation includes it. */
  async register(): Promise<boolean> {
    const keys = await readMeta(this.db, 'keys');
    if (!keys || !this.cipher) return false;
    return registerDeviceRecipient(this.db, this.api, this.session, keys, this.options);
  }

  /** This device retired the epochs below `below` in the document now at `rev`. */
  async retired(below: number, rev: number): Promise<void> {
    const keys = await readMeta(this.db, 'keys');
    if (keys) await this.store(withRetirement(keys, below), rev);
  }

  /** Makes `keys` current (a rotation this device carried out). */
  async replace(keys: KeysMeta): Promise<void> {
    await this.store(keys);
  }

  private async store(stored: KeysMeta, rev: number | null = null, reset = false): Promise<void> {
    // A retirement this device verified stays, whatever document the key came from since.
    const pins = reset ? null : await readPins(this.db, stored.accountId);
    const keys = withRetirement(stored, pins?.retiredBelow ?? 0);
    const cipher = await RecordCipher.create(keys);
    await writeMeta(this.db, 'keys', keys);
    await raisePins(this.db, keys, rev, reset, reset ? undefined : pins);
    this.cipher = cipher;
    this.mode = null;
  }

  /** Forgets the key; the pins (key-pins.ts) stay, so a re-unlock cannot go backwards. */
  async drop(reason: 'new_device' | 'key_changed'): Promise<void> {
    this.cipher = null;
    this.document = null;
    this.mode = null;
    this.reason = reason;
    await deleteMeta(this.db, 'keys');
  }
}
