/**
 * Pairing, both sides: a new device N (signed in, without the key) asks; an existing device E
 * offers. N shows a short code; the person types it on E (which checks it against its own and
 * never shows it) and confirms on N, which proves that confirmation to E with a MAC. Only then
 * does E send every key epoch sealed for N, and N opens nothing its person did not confirm. The
 * server only relays.
 * Each side's step is persisted and polled through the injected scheduler, so a worker stopped
 * mid-pairing resumes where it was. Crypto: crypto/pairing/; wire: docs/PROTOCOL.md.
 */
import type { Pairing } from '../../protocol';
import type { Session } from '../auth/session';
import type { Logger } from '../context';
import {
  codesMatch,
  offerPairing,
  type PairingContext,
  startPairing,
  supportsX25519,
} from '../crypto';
import { deleteMeta, readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { KeysMeta, PairingMeta } from '../db/schema';
import type { Scheduler, TimerHandle } from '../deps';
import {
  asEngineError,
  type EngineError,
  NetworkError,
  PairingError,
  ServerError,
  StateError,
} from '../errors';
import type { ServerApi } from '../transport/api';
import type { ServerClock } from '../transport/server-clock';
import {
  cryptoFailure,
  MAX_WRONG_CODES,
  tooManyWrongCodes,
  unconfirmedBundle,
  wrongCode,
} from './pairing-failure';
import { codeFor, confirmationFor, openFor, revealFor, sealFor } from './pairing-steps';
import { contextOf, type PairingRequestView, type PairingView, viewOf } from './pairing-view';

export type { PairingRequestView, PairingView } from './pairing-view';

/** How often a side asks the server whether the other side moved. */
const PAIRING_POLL_MS = 1500;

export interface PairingFlowDeps {
  db: EngineDatabase;
  api: ServerApi;
  session: Session;
  /** The server's clock: pairing deadlines are the server's, and a device clock may be off. */
  clock: Pick<ServerClock, 'now' | 'toDevice' | 'known'>;
  scheduler: Scheduler;
  log: Logger;
  /** The key this device holds (existing side), null without one. */
  keys(): Promise<KeysMeta | null>;
  /** New side: checks the received keys against the account's key document and keeps them. */
  adopt(keys: KeysMeta): Promise<void>;
  changed(): void;
  failed(error: EngineError): void;
}

export class PairingFlow {
  private meta: PairingMeta | null = null;
  private peer: PairingView['peer'] = null;
  private timer: TimerHandle | null = null;
  private polling = false;
  /** Requests from other devices waiting for approval, as the server last said. */
  requests = 0;

  constructor(private readonly deps: PairingFlowDeps) {}

  get view(): PairingView | null {
    return this.meta
      ? viewOf(this.meta, this.peer, this.deps.clock.toDevice(this.meta.expiresAt))
      : null;
  }

  async resume(): Promise<void> {
    const meta = (await readMeta(this.deps.db, 'pairing')) ?? null;
    const session = this.deps.session.current;
    if (meta && (!session || session.accountId !== meta.accountId)) {
      await deleteMeta(this.deps.db, 'pairing');
      return;
    }
    this.meta = meta;
    if (meta) this.schedule(0);
  }

  private signedIn() {
    const session = this.deps.session.current;
    if (!session) throw new StateError('not_signed_in', 'Sign in first');
    return session;
  }

  private withAccess<T>(work: (server: string, token: string) => Promise<T>): Promise<T> {
    return this.deps.session.withAccess(work);
  }

  private busy(): void {
    if (this.meta)
      throw new StateError('pairing_in_progress', 'Finish or cancel the pairing under way first');
  }

  /** New device: asks the account's other devices for the key. */
  async request(): Promise<PairingView> {
    const session = this.signedIn();
    this.busy();
    const curve = (await supportsX25519()) ? 'X25519' : 'P-256';
    const { secret, commitment } = await startPairing(curve);
    const pairing = await this.withAccess((server, token) =>
      this.deps.api.createPairing(server, token, { commitment, curve }),
    );
    await this.keep({
      role: 'new',
      id: pairing.id,
      accountId: session.accountId,
      secret,
      expiresAt: Date.parse(pairing.expires_at),
      code: null,
    });
    this.schedule(PAIRING_POLL_MS);
    return this.view as PairingView;
  }

  /** Existing device: the open requests of new devices. */
  async list(): Promise<PairingRequestView[]> {
    const session = this.signedIn();
    const pairings = await this.withAccess((server, token) =>
      this.deps.api.pairings(server, token),
    );
    const open = pairings.filter(
      (p) => p.state === 'pending' && p.requester.device_id !== session.deviceId,
    );
    this.noticed(open.length);
    return open.map((p) => ({
      id: p.id,
      deviceName: p.requester.name,
      platform: p.requester.platform,
      createdAt: this.deps.clock.toDevice(Date.parse(p.created_at)),
      expiresAt: this.deps.clock.toDevice(Date.parse(p.expires_at)),
    }));
  }

  noticed(count: number): void {
    if (count === this.requests) return;
    this.requests = count;
    this.deps.changed();
  }

  /** Existing device: answers a request with its own key; the codes show once both are in. */
  async accept(id: string): Promise<PairingView> {
    const session = this.signedIn();
    this.busy();
    if (!(await this.deps.keys()))
      throw new StateError('locked', 'Unlock the account key on this device first');
    const pairing = await this.withAccess((server, token) =>
      this.deps.api.pairing(server, token, id),
    );
    if (pairing.requester.device_id === session.deviceId)
      throw new StateError('pairing_in_progress', 'A device cannot approve its own request');
    const { secret, offer } = await offerPairing(pairing.curve).catch(cryptoFailure);
    const offered = await this.withAccess((server, token) =>
      this.deps.api.pairingStep(server, token, id, {
        kind: 'offer',
        body: { public_key: offer.publicKey, nonce: offer.nonce },
      }),
    );
    this.peer = { name: offered.requester.name, platform: offered.requester.platform };
    await this.keep({
      role: 'existing',
      id,
      accountId: session.accountId,
      secret,
      expiresAt: Date.parse(offered.expires_at),
      code: null,
    });
    this.schedule(PAIRING_POLL_MS);
    return this.view as PairingView;
  }

  /**
   * Existing device: the person typed the code the new device shows. A wrong one is refused (and
   * the last allowed one ends the pairing); a right one seals the keys as soon as the new device
   * proved its person confirmed too, here or on a later poll.
   */
  async approve(code: string): Promise<void> {
    const meta = this.meta;
    if (meta?.role !== 'existing' || !meta.code)
      throw new StateError('no_pairing', 'No pairing is waiting for approval');
    if (!(await this.deps.keys()))
      throw new StateError('locked', 'Unlock the account key on this device first');
    if (!meta.entered) {
      if (!codesMatch(meta.code, code)) {
        const wrong = (meta.wrongCodes ?? 0) + 1;
        if (wrong >= MAX_WRONG_CODES) {
          const error = tooManyWrongCodes();
          await this.refuse(meta);
          await this.fail(error);
          throw error;
        }
        await this.keep({ ...meta, wrongCodes: wrong });
        throw wrongCode(this.peer?.name ?? 'the new device', MAX_WRONG_CODES - wrong);
      }
      await this.keep({ ...meta, entered: true });
    }
    const pairing = await this.withAccess((server, token) =>
      this.deps.api.pairing(server, token, meta.id),
    );
    if (pairing.state !== 'revealed' || !pairing.reveal) {
      await this.settle(pairing);
      throw new StateError('no_pairing', 'The new device is no longer waiting for approval');
    }
    if (!pairing.confirmation) return; // The poll seals once the new device confirms.
    try {
      await this.seal(this.meta as typeof meta, pairing);
    } catch (error) {
      const failure = asEngineError(error);
      if (failure instanceof PairingError) {
        await this.refuse(meta);
        await this.fail(failure);
      }
      throw failure;
    }
  }

  /** New device: the person typed the code shown here on the other device, and confirms it. */
  async confirm(): Promise<void> {
    const meta = this.meta;
    if (meta?.role !== 'new' || !meta.code)
      throw new StateError('no_pairing', 'No code is waiting to be confirmed');
    if (meta.confirmed) return;
    // Kept before anything is sent: the next poll sends the proof, again after a restart.
    await this.keep({ ...meta, confirmed: true });
    this.schedule(0);
  }

  /** E, once the typed code matched and the new device's confirmation is in: seal and send. */
  private async seal(
    meta: Extract<PairingMeta, { role: 'existing' }>,
    pairing: Pairing,
  ): Promise<void> {
    const keys = await this.deps.keys();
    if (!keys) throw new StateError('locked', 'Unlock the account key on this device first');
    const bundle = await sealFor(meta, this.context(pairing), pairing, keys);
    await this.withAccess((server, token) =>
      this.deps.api.pairingStep(server, token, meta.id, { kind: 'approve', body: { bundle } }),
    );
    this.deps.log({ level: 'info', event: 'pairing_approved' });
    await this.end();
  }

  /** Either side: refuse or cancel. Another device's request may be denied by its id. */
  async deny(id?: string): Promise<void> {
    const target = id ?? this.meta?.id;
    if (!target) throw new StateError('no_pairing', 'No pairing is in progress');
    await this.withAccess((server, token) =>
      this.deps.api.pairingStep(server, token, target, { kind: 'deny' }),
    ).catch((error) => {
      // Already final or expired: the pairing is over either way, but say so in the log.
      if (!(error instanceof ServerError)) throw error;
      this.deps.log({ level: 'info', event: 'pairing_deny_refused', code: error.code });
    });
    if (this.meta?.id === target) await this.end();
    if (id) this.noticed(Math.max(0, this.requests - 1));
  }

  stop(): void {
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Sign-out or a new account: a pairing belongs to the session that started it. */
  async forget(): Promise<void> {
    await this.clear();
    this.requests = 0;
  }

  private async clear(): Promise<void> {
    this.stop();
    this.meta = null;
    this.peer = null;
    await deleteMeta(this.deps.db, 'pairing');
  }

  private async keep(meta: PairingMeta): Promise<void> {
    await writeMeta(this.deps.db, 'pairing', meta);
    this.meta = meta;
    this.deps.changed();
  }

  /** The pairing is over; other devices may still be asking, so their count is asked again. */
  private async end(): Promise<void> {
    const reviewed = this.meta?.role === 'existing';
    await this.clear();
    this.deps.changed();
    if (reviewed) void this.recount();
  }

  private async recount(): Promise<void> {
    try {
      await this.list();
    } catch (error) {
      // The next pull's pending_pairings brings the count instead.
      this.deps.log({
        level: 'warn',
        event: 'pairing_recount_failed',
        code: asEngineError(error).code,
      });
    }
  }

  private async fail(error: EngineError): Promise<void> {
    await this.end();
    this.deps.failed(error);
  }

  private async refuse(meta: PairingMeta): Promise<void> {
    await this.withAccess((server, token) =>
      this.deps.api.pairingStep(server, token, meta.id, { kind: 'deny' }),
    ).catch((error) =>
      this.deps.log({
        level: 'warn',
        event: 'pairing_deny_failed',
        code: asEngineError(error).code,
      }),
    );
  }

  private schedule(delayMs: number): void {
    this.stop();
    this.timer = this.deps.scheduler.setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, delayMs);
  }

  private context(pairing: Pairing): PairingContext {
    return contextOf(this.meta?.accountId ?? '', pairing, this.deps.clock.now());
  }

  private async poll(): Promise<void> {
    const meta = this.meta;
    if (!meta || this.polling) return;
    this.polling = true;
    const expired = async () => {
      if (this.deps.clock.now() < meta.expiresAt) return false;
      await this.fail(
        new PairingError('pairing_expired', 'The pairing request expired: start again'),
      );
      return true;
    };
    try {
      // Right after a restart the server's clock is not known yet: ask the server first.
      if (this.deps.clock.known && (await expired())) return;
      const pairing = await this.withAccess((server, token) =>
        this.deps.api.pairing(server, token, meta.id),
      );
      if (this.meta !== meta) return; // Cancelled while the request was in flight.
      if (await expired()) return;
      const other = meta.role === 'new' ? pairing.approver : pairing.requester;
      if (other) this.peer = { name: other.name, platform: other.platform };
      const done = await (meta.role === 'new'
        ? this.stepAsNew(meta, pairing)
        : this.stepAsExisting(meta, pairing));
      // A step may have replaced the stored meta (its code): still the same pairing.
      if (!done && this.meta?.id === meta.id) this.schedule(PAIRING_POLL_MS);
      this.deps.changed();
    } catch (error) {
      const failure = asEngineError(error);
      if (
        failure instanceof NetworkError ||
        (failure instanceof ServerError && failure.retriable)
      ) {
        this.deps.log({ level: 'warn', event: 'pairing_poll_failed', code: failure.code });
        if (this.meta?.id === meta.id) this.schedule(PAIRING_POLL_MS * 2);
        return;
      }
      if (failure instanceof ServerError && failure.code === 'server_not_found') {
        await this.fail(
          new PairingError('pairing_expired', 'The pairing request is gone: start again'),
        );
        return;
      }
      if (this.meta?.id === meta.id) {
        if (failure instanceof PairingError) await this.refuse(meta);
        await this.fail(failure);
      }
    } finally {
      this.polling = false;
    }
  }

  /** Final states both sides treat alike; true when the pairing is over. */
  private async settle(pairing: Pairing): Promise<boolean> {
    if (pairing.state === 'denied') {
      const who =
        this.meta?.role === 'new' ? 'The other device refused' : 'The new device cancelled';
      await this.fail(new PairingError('pairing_denied', `${who} the pairing`));
      return true;
    }
    if (pairing.state === 'expired') {
      await this.fail(
        new PairingError('pairing_expired', 'The pairing request expired: start again'),
      );
      return true;
    }
    return false;
  }

  private async stepAsNew(
    meta: Extract<PairingMeta, { role: 'new' }>,
    pairing: Pairing,
  ): Promise<boolean> {
    if (await this.settle(pairing)) return true;
    if (pairing.state === 'completed') {
      await this.fail(new PairingError('pairing_failed', 'This pairing was already used'));
      return true;
    }
    if (pairing.state === 'pending' || !pairing.offer) return false;
    const offer = { publicKey: pairing.offer.public_key, nonce: pairing.offer.nonce };
    const context = this.context(pairing);
    if (pairing.state === 'offered' || !meta.code) {
      const { body, code } = await revealFor(meta, context, offer);
      if (pairing.state === 'offered') {
        await this.withAccess((server, token) =>
          this.deps.api.pairingStep(server, token, meta.id, { kind: 'reveal', body }),
        );
      }
      await this.keep({ ...meta, code });
      return false;
    }
    if (!meta.confirmed) {
      if (pairing.state === 'approved' || pairing.bundle) throw unconfirmedBundle();
      return false;
    }
    if (pairing.state === 'revealed') {
      if (pairing.confirmation) return false;
      const confirmation = await confirmationFor(meta, context, offer);
      await this.withAccess((server, token) =>
        this.deps.api.pairingStep(server, token, meta.id, {
          kind: 'confirm',
          body: { confirmation },
        }),
      );
      return false;
    }
    if (pairing.state !== 'approved' || !pairing.bundle) return false;
    await this.deps.adopt(await openFor(meta, context, offer, pairing.bundle));
    await this.withAccess((server, token) =>
      this.deps.api.pairingStep(server, token, meta.id, { kind: 'complete' }),
    ).catch((error) =>
      // The keys are ours already; the server erases the bundle at expiry anyway.
      this.deps.log({
        level: 'warn',
        event: 'pairing_complete_failed',
        code: asEngineError(error).code,
      }),
    );
    this.deps.log({ level: 'info', event: 'pairing_completed' });
    await this.end();
    return true;
  }

  private async stepAsExisting(
    meta: Extract<PairingMeta, { role: 'existing' }>,
    pairing: Pairing,
  ): Promise<boolean> {
    if (await this.settle(pairing)) return true;
    if (pairing.state === 'approved' || pairing.state === 'completed') {
      await this.end();
      return true;
    }
    if (pairing.state !== 'revealed' || !pairing.reveal) return false;
    if (meta.code) {
      if (!meta.entered || !pairing.confirmation) return false;
      await this.seal(meta, pairing);
      return true;
    }
    await this.keep({ ...meta, code: await codeFor(meta, this.context(pairing), pairing) });
    return false;
  }
}
