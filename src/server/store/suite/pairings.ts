import { describe, expect, test } from 'vitest';
import { PAIRING_RETENTION_MS } from '../sql/pairings';
import type { DeviceRow, PairingStep, Store } from '../types';
import { newAccount, newDevice, type SuiteContext, T0 } from './context';

const TTL = 300_000;
const COMMITMENT = 'c'.repeat(43);
const OFFER: PairingStep = { kind: 'offer', publicKey: 'E'.repeat(43), nonce: 'e'.repeat(43) };
const REVEAL: PairingStep = {
  kind: 'reveal',
  publicKey: 'N'.repeat(43),
  nonce: 'n'.repeat(43),
  confirmation: 'm'.repeat(43),
};
const APPROVE: PairingStep = { kind: 'approve', bundle: 'sealed-bundle' };

async function accountWithDevices(store: Store, count: number) {
  const account = await newAccount(store);
  const devices: DeviceRow[] = [];
  for (let i = 0; i < count; i++) devices.push(await newDevice(store, account.id, T0 + i));
  return { account, devices };
}

function create(store: Store, accountId: string, deviceId: string, now = T0, maxOpen = 3) {
  return store.createPairing({
    accountId,
    deviceId,
    curve: 'P-256',
    commitment: COMMITMENT,
    ttlMs: TTL,
    maxOpen,
    now,
  });
}

async function created(store: Store, accountId: string, deviceId: string, now = T0) {
  const outcome = await create(store, accountId, deviceId, now);
  if (outcome.kind !== 'created') throw new Error('fixture: pairing not created');
  return outcome.pairing;
}

export function pairingTests(ctx: SuiteContext): void {
  describe('pairings', () => {
    test('the whole relay in order: each step by its device, the bundle erased on completion', async () => {
      const store = ctx.store();
      const { account, devices } = await accountWithDevices(store, 2);
      const [n, e] = devices as [DeviceRow, DeviceRow];
      const pairing = await created(store, account.id, n.id);
      expect(pairing).toEqual({
        id: expect.any(String),
        accountId: account.id,
        state: 'pending',
        curve: 'P-256',
        commitment: COMMITMENT,
        requester: { deviceId: n.id, name: 'Laptop', platform: 'chrome-extension' },
        approver: null,
        offer: null,
        reveal: null,
        confirmation: null,
        bundle: null,
        createdAt: T0,
        expiresAt: T0 + TTL,
        updatedAt: T0,
      });
      const at = (step: PairingStep, deviceId: string, now: number) =>
        store.advancePairing({ accountId: account.id, pairingId: pairing.id, deviceId, step, now });

      const offered = await at(OFFER, e.id, T0 + 1);
      expect(offered).toMatchObject({
        kind: 'advanced',
        pairing: {
          state: 'offered',
          approver: { deviceId: e.id },
          offer: { publicKey: 'E'.repeat(43), nonce: 'e'.repeat(43) },
          updatedAt: T0 + 1,
        },
      });
      expect(await at(REVEAL, n.id, T0 + 2)).toMatchObject({
        kind: 'advanced',
        pairing: { state: 'revealed', reveal: { confirmation: 'm'.repeat(43) } },
      });
      expect(await at(APPROVE, e.id, T0 + 3)).toMatchObject({
        kind: 'advanced',
        pairing: { state: 'approved', bundle: 'sealed-bundle' },
      });
      expect(await at({ kind: 'complete' }, n.id, T0 + 4)).toMatchObject({
        kind: 'advanced',
        pairing: { state: 'completed', bundle: null },
      });
      expect(await store.getPairing(account.id, pairing.id)).toMatchObject({
        state: 'completed',
        bundle: null,
      });
      // Every step is single use.
      for (const [step, device] of [
        [OFFER, e],
        [REVEAL, n],
        [APPROVE, e],
        [{ kind: 'complete' }, n],
        [{ kind: 'deny' }, n],
      ] as const) {
        expect((await at(step, device.id, T0 + 5)).kind).toBe('refused');
      }
    });

    test('confirm: only the requester, once, while revealed; the state stays revealed', async () => {
      const store = ctx.store();
      const { account, devices } = await accountWithDevices(store, 2);
      const [n, e] = devices as [DeviceRow, DeviceRow];
      const pairing = await created(store, account.id, n.id);
      const at = (step: PairingStep, deviceId: string, now: number) =>
        store.advancePairing({ accountId: account.id, pairingId: pairing.id, deviceId, step, now });
      const CONFIRM: PairingStep = { kind: 'confirm', confirmation: 'k'.repeat(43) };
      expect((await at(CONFIRM, n.id, T0 + 1)).kind).toBe('refused'); // nothing to confirm yet
      await at(OFFER, e.id, T0 + 1);
      await at(REVEAL, n.id, T0 + 2);
      expect((await at(CONFIRM, e.id, T0 + 3)).kind).toBe('refused'); // only the requester
      expect(await at(CONFIRM, n.id, T0 + 3)).toMatchObject({
        kind: 'advanced',
        pairing: { state: 'revealed', confirmation: 'k'.repeat(43) },
      });
      const again: PairingStep = { kind: 'confirm', confirmation: 'j'.repeat(43) };
      expect((await at(again, n.id, T0 + 4)).kind).toBe('refused'); // single use
      expect(await at(APPROVE, e.id, T0 + 5)).toMatchObject({
        kind: 'advanced',
        pairing: { state: 'approved', confirmation: 'k'.repeat(43) },
      });
    });

    test('a step by the wrong device or out of order is refused and changes nothing', async () => {
      const store = ctx.store();
      const { account, devices } = await accountWithDevices(store, 3);
      const [n, e, other] = devices as [DeviceRow, DeviceRow, DeviceRow];
      const pairing = await created(store, account.id, n.id);
      const at = (step: PairingStep, deviceId: string) =>
        store.advancePairing({
          accountId: account.id,
          pairingId: pairing.id,
          deviceId,
          step,
          now: T0 + 1,
        });
      expect((await at(OFFER, n.id)).kind).toBe('refused'); // the requester cannot offer
      expect((await at(REVEAL, n.id)).kind).toBe('refused'); // not offered yet
      expect((await at(APPROVE, e.id)).kind).toBe('refused');
      expect((await at(OFFER, e.id)).kind).toBe('advanced');
      expect((await at(REVEAL, e.id)).kind).toBe('refused'); // only the requester reveals
      expect((await at(REVEAL, n.id)).kind).toBe('advanced');
      expect((await at(APPROVE, other.id)).kind).toBe('refused'); // only the approver approves
      expect((await at({ kind: 'complete' }, n.id)).kind).toBe('refused'); // not approved yet
      expect(await store.getPairing(account.id, pairing.id)).toMatchObject({
        state: 'revealed',
        approver: { deviceId: e.id },
        bundle: null,
      });
    });

    test('two devices offering at once: exactly one becomes the approver', async () => {
      const store = ctx.store();
      const { account, devices } = await accountWithDevices(store, 6);
      const [n, ...others] = devices as [DeviceRow, ...DeviceRow[]];
      const pairing = await created(store, account.id, n.id);
      const outcomes = await Promise.all(
        others.map((device) =>
          store.advancePairing({
            accountId: account.id,
            pairingId: pairing.id,
            deviceId: device.id,
            step: OFFER,
            now: T0 + 1,
          }),
        ),
      );
      const winners = outcomes.filter((o) => o.kind === 'advanced');
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'refused')).toHaveLength(others.length - 1);
      const approver = (await store.getPairing(account.id, pairing.id))?.approver?.deviceId;
      expect(winners[0]?.kind === 'advanced' && winners[0].pairing.approver?.deviceId).toBe(
        approver,
      );
    });

    test('past expires_at no step applies; the listing leaves it out', async () => {
      const store = ctx.store();
      const { account, devices } = await accountWithDevices(store, 2);
      const [n, e] = devices as [DeviceRow, DeviceRow];
      const pairing = await created(store, account.id, n.id);
      expect((await store.listOpenPairings(account.id, T0 + TTL - 1)).map((p) => p.id)).toEqual([
        pairing.id,
      ]);
      const late = await store.advancePairing({
        accountId: account.id,
        pairingId: pairing.id,
        deviceId: e.id,
        step: OFFER,
        now: T0 + TTL,
      });
      expect(late).toMatchObject({ kind: 'expired', pairing: { state: 'pending' } });
      expect(await store.listOpenPairings(account.id, T0 + TTL)).toEqual([]);
      expect(await store.countPendingPairings(account.id, e.id, T0 + TTL)).toBe(0);
    });

    test('one account never sees or moves another account’s pairings', async () => {
      const store = ctx.store();
      const alice = await accountWithDevices(store, 1);
      const mallory = await accountWithDevices(store, 1);
      const pairing = await created(store, alice.account.id, (alice.devices[0] as DeviceRow).id);
      const malloryDevice = (mallory.devices[0] as DeviceRow).id;
      expect(await store.getPairing(mallory.account.id, pairing.id)).toBeNull();
      expect(await store.listOpenPairings(mallory.account.id, T0)).toEqual([]);
      expect(await store.countPendingPairings(mallory.account.id, malloryDevice, T0)).toBe(0);
      for (const step of [OFFER, { kind: 'deny' } as const]) {
        const outcome = await store.advancePairing({
          accountId: mallory.account.id,
          pairingId: pairing.id,
          deviceId: malloryDevice,
          step,
          now: T0 + 1,
        });
        expect(outcome).toEqual({ kind: 'not_found' });
      }
      expect((await store.getPairing(alice.account.id, pairing.id))?.state).toBe('pending');
    });

    test('open limit: a device supersedes its own request; other devices’ requests count', async () => {
      const store = ctx.store();
      const { account, devices } = await accountWithDevices(store, 4);
      const [a, b, c, d] = devices as [DeviceRow, DeviceRow, DeviceRow, DeviceRow];
      const first = await created(store, account.id, a.id, T0);
      const second = await create(store, account.id, a.id, T0 + 1);
      expect(second).toMatchObject({ kind: 'created', superseded: 1 });
      expect((await store.getPairing(account.id, first.id))?.state).toBe('denied');
      await created(store, account.id, b.id, T0 + 2);
      await created(store, account.id, c.id, T0 + 3);
      // a, b and c each hold one: d is refused until the oldest (a's second, at T0 + 1) expires.
      expect(await create(store, account.id, d.id, T0 + 1001)).toEqual({
        kind: 'too_many',
        retryAfterS: TTL / 1000 - 1,
      });
      expect(
        (await store.listOpenPairings(account.id, T0 + 1001)).map((p) => p.requester.deviceId),
      ).toEqual([c.id, b.id, a.id]);
      // a may still replace its own: that does not add to the count.
      expect(await create(store, account.id, a.id, T0 + 1002)).toMatchObject({
        kind: 'created',
        superseded: 1,
      });
      // Once b's and c's have expired, d gets its turn.
      expect((await create(store, account.id, d.id, T0 + 3 + TTL)).kind).toBe('created');
    });

    test('pending_pairings counts pending requests by other devices only', async () => {
      const store = ctx.store();
      const { account, devices } = await accountWithDevices(store, 3);
      const [n, e, f] = devices as [DeviceRow, DeviceRow, DeviceRow];
      const pairing = await created(store, account.id, n.id);
      expect(await store.countPendingPairings(account.id, n.id, T0)).toBe(0);
      expect(await store.countPendingPairings(account.id, e.id, T0)).toBe(1);
      await created(store, account.id, f.id);
      expect(await store.countPendingPairings(account.id, e.id, T0)).toBe(2);
      expect(await store.countPendingPairings(account.id, f.id, T0)).toBe(1);
      await store.advancePairing({
        accountId: account.id,
        pairingId: pairing.id,
        deviceId: e.id,
        step: OFFER,
        now: T0,
      });
      expect(await store.countPendingPairings(account.id, e.id, T0)).toBe(1);
    });

    test('revoking a device denies the open pairings it requested or approves', async () => {
      const store = ctx.store();
      const { account, devices } = await accountWithDevices(store, 4);
      const [n, e, m, keep] = devices as [DeviceRow, DeviceRow, DeviceRow, DeviceRow];
      const requested = await created(store, account.id, n.id);
      const approving = await created(store, account.id, m.id);
      await store.advancePairing({
        accountId: account.id,
        pairingId: approving.id,
        deviceId: e.id,
        step: OFFER,
        now: T0,
      });
      const untouched = await created(store, account.id, keep.id);
      expect(await store.revokeDevice(account.id, n.id, T0 + 1)).toBe(true);
      expect(await store.revokeDevice(account.id, e.id, T0 + 1)).toBe(true);
      expect((await store.getPairing(account.id, requested.id))?.state).toBe('denied');
      expect((await store.getPairing(account.id, approving.id))?.state).toBe('denied');
      expect((await store.getPairing(account.id, untouched.id))?.state).toBe('pending');
    });

    test('housekeeping erases expired bundles at once and the rows an hour after expiry', async () => {
      const store = await ctx.freshStore();
      const { account, devices } = await accountWithDevices(store, 2);
      const [n, e] = devices as [DeviceRow, DeviceRow];
      const pairing = await created(store, account.id, n.id);
      for (const [step, device] of [
        [OFFER, e],
        [REVEAL, n],
        [APPROVE, e],
      ] as const) {
        await store.advancePairing({
          accountId: account.id,
          pairingId: pairing.id,
          deviceId: device.id,
          step,
          now: T0 + 1,
        });
      }
      expect((await store.purgeExpired(T0 + TTL - 1)).pairings).toBe(0);
      expect((await store.getPairing(account.id, pairing.id))?.bundle).toBe('sealed-bundle');
      expect((await store.purgeExpired(T0 + TTL)).pairings).toBe(0);
      expect(await store.getPairing(account.id, pairing.id)).toMatchObject({
        state: 'approved',
        bundle: null,
      });
      expect((await store.purgeExpired(T0 + TTL + PAIRING_RETENTION_MS - 1)).pairings).toBe(0);
      expect((await store.purgeExpired(T0 + TTL + PAIRING_RETENTION_MS)).pairings).toBe(1);
      expect(await store.getPairing(account.id, pairing.id)).toBeNull();
    });
  });
}
