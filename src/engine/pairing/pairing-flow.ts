/**
 * Pairing, both sides: a new device (signed in, without the key) asks; an existing device
 * offers, both show a short code, the person compares and approves on the existing device,
 * which then sends every key epoch sealed for the new device. The server only relays.
 * Each side's step is persisted and polled through the injected scheduler, so a worker stopped
 * mid-pairing resumes where it was. Crypto: crypto/pairing/; wire: docs/PROTOCOL.md.
 */
import type { Pairing } from '../../protocol';
import type { Session } from '../auth/session';
import type { Logger } from '../context';
import {
  CryptoError,
  checkReveal,
  offerPairing,
  openPairingBundle,
  type PairingContext,
  revealPairing,
  sealPairingBundle,
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
import { decodeBundle, encodeBundle } from './bundle';

/** How often a side asks the server whether the other side moved. */
const PAIRING_POLL_MS = 1500;

export interface PairingView {
  role: 'new' | 'existing';
  id: string;
  /** waiting: for the other device; confirm: compare `code` on both screens. */
  stage: 'waiting' | 'confirm';
  code: string | null;
  /** The other device, once known. */
  peer: { name: string; platform: string } | null;
  expiresAt: number;
}

/** A request from a new device that this device could approve. */
export interface PairingRequestView {
  id: string;
  deviceName: string;
  platform: string;
  createdAt: number;
  expiresAt: number;
}

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

function cryptoFailure(error: unknown): never {
  if (error instanceof CryptoError) {
    if (error.code === 'pairing_expired')
      throw new PairingError('pairing_expired', 'The pairing request expired: start again');
    if (error.code === 'pairing_code_mismatch')
      throw new PairingError(
        'pairing_code_mismatch',
        'The codes do not match: the pairing was refused',
      );
    if (error.code === 'unsupported_curve')
      throw new PairingError(
        'unsupported_curve',
        'This browser cannot do the key exchange the new device asked for',
        error,
      );
    throw new PairingError(
      'pairing_failed',
      'The pairing could not be verified (keys were altered or replayed): it was refused',
      error,
    );
  }
  throw error;
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
    const meta = this.meta;
    if (!meta) return null;
    return {
      role: meta.role,
      id: meta.id,
      stage: meta.code ? 'confirm' : 'waiting',
      code: meta.code,
      peer: this.peer,
      expiresAt: this.deps.clock.toDevice(meta.expiresAt),
    };
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

  /** Existing device: the person saw `code` on both screens; seal the keys for the new one. */
  async approve(code: string): Promise<void> {
    const meta = this.meta;
    if (meta?.role !== 'existing' || !meta.code)
      throw new StateError('no_pairing', 'No pairing is waiting for approval');
    const keys = await this.deps.keys();
    if (!keys) throw new StateError('locked', 'Unlock the account key on this device first');
    const pairing = await this.withAccess((server, token) =>
      this.deps.api.pairing(server, token, meta.id),
    );
    if (pairing.state !== 'revealed' || !pairing.reveal) {
      await this.settle(pairing);
      throw new StateError('no_pairing', 'The new device is no longer waiting for approval');
    }
    let bundle: string;
    try {
      bundle = await sealPairingBundle(
        meta.secret,
        this.context(pairing),
        pairing.commitment,
        {
          publicKey: pairing.reveal.public_key,
          nonce: pairing.reveal.nonce,
          confirmation: pairing.reveal.confirmation,
        },
        code,
        encodeBundle(keys),
      );
    } catch (error) {
      await this.refuse(meta);
      cryptoFailure(error);
    }
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
    return {
      accountId: this.meta?.accountId ?? '',
      pairingId: pairing.id,
      newDeviceId: pairing.requester.device_id,
      existingDeviceId: pairing.approver?.device_id ?? '',
      expiresAt: Date.parse(pairing.expires_at),
      now: this.deps.clock.now(),
    };
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
      const { reveal, code } = await revealPairing(meta.secret, context, offer).catch(
        cryptoFailure,
      );
      if (pairing.state === 'offered') {
        await this.withAccess((server, token) =>
          this.deps.api.pairingStep(server, token, meta.id, {
            kind: 'reveal',
            body: {
              public_key: reveal.publicKey,
              nonce: reveal.nonce,
              confirmation: reveal.confirmation,
            },
          }),
        );
      }
      await this.keep({ ...meta, code });
      return false;
    }
    if (pairing.state !== 'approved' || !pairing.bundle) return false;
    const opened = await openPairingBundle(meta.secret, context, offer, pairing.bundle).catch(
      cryptoFailure,
    );
    await this.deps.adopt(decodeBundle(opened, meta.accountId));
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
    if (pairing.state !== 'revealed' || !pairing.reveal || meta.code) return false;
    const { code } = await checkReveal(meta.secret, this.context(pairing), pairing.commitment, {
      publicKey: pairing.reveal.public_key,
      nonce: pairing.reveal.nonce,
      confirmation: pairing.reveal.confirmation,
    }).catch(cryptoFailure);
    await this.keep({ ...meta, code });
    return false;
  }
}
