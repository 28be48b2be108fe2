/**
 * /v1/pairings: relays opaque values between a new device (the requester, signed in but without
 * the account's key) and an existing device (the approver) of the same account, so the approver
 * can hand over a sealed key bundle. The server never sees key material: every value is base64url
 * the clients computed. Steps are single use and in order:
 *
 *   requester: create → (approver: offer) → requester: reveal → requester: confirm (once its
 *   person confirmed the code; the state stays revealed) → (approver: approve) →
 *   requester: complete; any device of the account may deny while the pairing is open.
 */
import type { Context, Hono } from 'hono';
import {
  type Pairing,
  PairingApprove,
  PairingConfirm,
  PairingCreate,
  type PairingList,
  PairingOffer,
  PairingReveal,
  type PairingState,
} from '../../protocol';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import type { Authenticate } from '../middleware/bearer-auth';
import { readJson } from '../middleware/body';
import type { PairingRow, PairingStep, StoredPairingState } from '../store/types';
import { throttle } from '../throttle';

function isFinal(state: StoredPairingState): boolean {
  return state === 'completed' || state === 'denied';
}

function stateOf(row: PairingRow, now: number): PairingState {
  return !isFinal(row.state) && row.expiresAt <= now ? 'expired' : row.state;
}

function toPairing(row: PairingRow, deviceId: string, now: number): Pairing {
  const state = stateOf(row, now);
  const party = (p: PairingRow['requester']) => ({
    device_id: p.deviceId,
    name: p.name,
    platform: p.platform,
  });
  return {
    id: row.id,
    state,
    curve: row.curve as Pairing['curve'],
    commitment: row.commitment,
    requester: party(row.requester),
    approver: row.approver ? party(row.approver) : null,
    offer: row.offer ? { public_key: row.offer.publicKey, nonce: row.offer.nonce } : null,
    reveal: row.reveal
      ? {
          public_key: row.reveal.publicKey,
          nonce: row.reveal.nonce,
          confirmation: row.reveal.confirmation,
        }
      : null,
    confirmation: row.confirmation,
    // The sealed bundle is for the requester alone, and only until it completes.
    bundle: state === 'approved' && row.requester.deviceId === deviceId ? row.bundle : null,
    created_at: new Date(row.createdAt).toISOString(),
    expires_at: new Date(row.expiresAt).toISOString(),
  };
}

/** Ids are the store's; anything else cannot name a pairing and is not sent to the database. */
function pairingId(raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new HttpProblem('not_found', 'No such pairing.');
  return raw;
}

const NEXT: Record<Exclude<StoredPairingState, 'completed' | 'denied'>, string> = {
  pending: 'another device of the account offers',
  offered: 'the requesting device reveals',
  revealed: 'the device that offered approves',
  approved: 'the requesting device completes',
};

/** The state each step applies to, and who may take it. */
const STEP: Record<PairingStep['kind'], { from: StoredPairingState | 'open'; who: string }> = {
  offer: { from: 'pending', who: 'a device of the account other than the requesting one' },
  reveal: { from: 'offered', who: 'the requesting device' },
  confirm: { from: 'revealed', who: 'the requesting device' },
  approve: { from: 'revealed', who: 'the device that offered' },
  complete: { from: 'approved', who: 'the requesting device' },
  deny: { from: 'open', who: 'any device of the account' },
};

/** Why a step was refused: what the pairing is at, and who may do what next. */
function refusal(row: PairingRow, step: PairingStep['kind']): string {
  if (isFinal(row.state)) {
    return `This pairing is already ${row.state}; no step applies any more. Start a new pairing.`;
  }
  const state = row.state as keyof typeof NEXT;
  const expected = STEP[step];
  if (step === 'confirm' && row.confirmation !== null && state === 'revealed') {
    return 'The requesting device already confirmed this pairing; a confirmation is single use.';
  }
  if (expected.from !== state && expected.from !== 'open') {
    return `This pairing is ${state}, so it cannot ${step} now: next, ${NEXT[state]}.`;
  }
  return `Only ${expected.who} may ${step} this pairing; it is ${state}.`;
}

export function registerPairings(app: Hono<AppEnv>, deps: Deps, auth: Authenticate): void {
  const { store, clock, config } = deps;

  app.post('/v1/pairings', auth, async (c) => {
    const { accountId, deviceId } = c.get('auth');
    const body = await readJson(c, PairingCreate);
    await throttle(
      deps,
      `pairing:account:${accountId}`,
      config.pairingMaxPerAccount,
      'pairings started for this account',
      config.pairingRateWindowS,
    );
    const now = clock();
    const outcome = await store.createPairing({
      accountId,
      deviceId,
      curve: body.curve,
      commitment: body.commitment,
      ttlMs: config.pairingTtlS * 1000,
      maxOpen: config.pairingMaxOpen,
      now,
    });
    if (outcome.kind === 'too_many') {
      throw new HttpProblem(
        'rate_limited',
        `This account already has ${config.pairingMaxOpen} open pairings from other devices. Try again in ${outcome.retryAfterS} seconds.`,
        { retry_after: outcome.retryAfterS },
      );
    }
    c.header('Cache-Control', 'no-store');
    c.header('Location', `/v1/pairings/${outcome.pairing.id}`);
    return c.json(toPairing(outcome.pairing, deviceId, now), 201);
  });

  app.get('/v1/pairings', auth, async (c) => {
    const { accountId, deviceId } = c.get('auth');
    const now = clock();
    const rows = await store.listOpenPairings(accountId, now);
    const body: PairingList = { pairings: rows.map((row) => toPairing(row, deviceId, now)) };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });

  app.get('/v1/pairings/:id', auth, async (c) => {
    const { accountId, deviceId } = c.get('auth');
    const row = await store.getPairing(accountId, pairingId(c.req.param('id')));
    if (!row) throw new HttpProblem('not_found', 'No such pairing.');
    c.header('Cache-Control', 'no-store');
    return c.json(toPairing(row, deviceId, clock()));
  });

  const step = (kind: PairingStep['kind'], read: (c: Context<AppEnv>) => Promise<PairingStep>) => {
    app.post(`/v1/pairings/:id/${kind}`, auth, async (c) => {
      const { accountId, deviceId } = c.get('auth');
      const id = pairingId(c.req.param('id'));
      const parsed = await read(c);
      const now = clock();
      const outcome = await store.advancePairing({
        accountId,
        pairingId: id,
        deviceId,
        step: parsed,
        now,
      });
      if (outcome.kind === 'not_found') throw new HttpProblem('not_found', 'No such pairing.');
      if (outcome.kind === 'expired') {
        throw new HttpProblem(
          'pairing_expired',
          `This pairing expired at ${new Date(outcome.pairing.expiresAt).toISOString()}; start a new one.`,
        );
      }
      if (outcome.kind === 'refused') {
        throw new HttpProblem('pairing_state', refusal(outcome.pairing, kind));
      }
      c.header('Cache-Control', 'no-store');
      return c.json(toPairing(outcome.pairing, deviceId, now));
    });
  };

  step('offer', async (c) => {
    const body = await readJson(c, PairingOffer);
    return { kind: 'offer', publicKey: body.public_key, nonce: body.nonce };
  });
  step('reveal', async (c) => {
    const body = await readJson(c, PairingReveal);
    return {
      kind: 'reveal',
      publicKey: body.public_key,
      nonce: body.nonce,
      confirmation: body.confirmation,
    };
  });
  step('confirm', async (c) => {
    const body = await readJson(c, PairingConfirm);
    return { kind: 'confirm', confirmation: body.confirmation };
  });
  step('approve', async (c) => {
    const body = await readJson(c, PairingApprove);
    return { kind: 'approve', bundle: body.bundle };
  });
  step('complete', async () => ({ kind: 'complete' }));
  step('deny', async () => ({ kind: 'deny' }));
}
