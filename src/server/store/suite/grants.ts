import { randomInt } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { USER_CODE_ALPHABET } from '../../../protocol';
import { UserCodeInUseError } from '../errors';
import type { Store } from '../types';
import { hash, newAccount, type SuiteContext, T0 } from './context';

const userCode = (): string =>
  Array.from({ length: 8 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join(
    '',
  );

async function pendingGrant(store: Store, code = userCode()) {
  const input = {
    deviceCodeHash: hash(),
    userCode: code,
    clientId: 'satchel-extension',
    deviceName: 'Work laptop',
    devicePlatform: 'chrome',
    requesterIp: '203.0.113.7',
    intervalS: 5,
    createdAt: T0,
    expiresAt: T0 + 600_000,
  };
  await store.createDeviceAuthorization(input);
  return input;
}

export function grantTests(ctx: SuiteContext): void {
  describe('device-authorization grant', () => {
    test('a created authorization is found by user code, pending, until it expires', async () => {
      const store = ctx.store();
      const grant = await pendingGrant(store);
      expect(await store.findDeviceAuthorizationByUserCode(grant.userCode, T0 + 1)).toEqual({
        ...grant,
        status: 'pending',
        accountId: null,
        lastPolledAt: null,
      });
      expect(
        await store.findDeviceAuthorizationByUserCode(grant.userCode, grant.expiresAt),
      ).toBeNull();
      expect(await store.findDeviceAuthorizationByUserCode(userCode(), T0)).toBeNull();
    });

    test('a live user code cannot be issued twice; an expired one can', async () => {
      const store = ctx.store();
      const grant = await pendingGrant(store);
      const again = { ...grant, deviceCodeHash: hash(), createdAt: T0 + 10 };
      await expect(store.createDeviceAuthorization(again)).rejects.toBeInstanceOf(
        UserCodeInUseError,
      );
      await expect(store.createDeviceAuthorization(again)).rejects.toMatchObject({
        code: 'user_code_in_use',
      });
      const later = { ...again, createdAt: grant.expiresAt, expiresAt: grant.expiresAt + 600_000 };
      await store.createDeviceAuthorization(later);
      const found = await store.findDeviceAuthorizationByUserCode(grant.userCode, later.createdAt);
      expect(found?.deviceCodeHash).toBe(later.deviceCodeHash);
    });

    test('polling: unknown, pending, slow_down raising the interval by 5 s, then pending again', async () => {
      const store = ctx.store();
      expect(await store.pollDeviceAuthorization(hash(), T0)).toEqual({ kind: 'unknown' });
      const grant = await pendingGrant(store);
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 5_000)).toEqual({
        kind: 'pending',
      });
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 6_000)).toEqual({
        kind: 'slow_down',
        intervalS: 10,
      });
      // Measured from the last poll, now with the 10 s interval.
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 15_000)).toEqual({
        kind: 'slow_down',
        intervalS: 15,
      });
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 30_000)).toEqual({
        kind: 'pending',
      });
      const seen = await store.findDeviceAuthorizationByUserCode(grant.userCode, T0 + 30_000);
      expect(seen).toMatchObject({ intervalS: 15, lastPolledAt: T0 + 30_000, status: 'pending' });
    });

    test('an approved grant is handed out exactly once, then reads consumed', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const grant = await pendingGrant(store);
      expect(
        await store.decideDeviceAuthorization({
          userCode: grant.userCode,
          decision: 'approved',
          accountId: account.id,
          now: T0 + 1,
        }),
      ).toBe(true);
      const first = await store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 2);
      expect(first).toEqual({
        kind: 'approved',
        authorization: expect.objectContaining({
          deviceCodeHash: grant.deviceCodeHash,
          accountId: account.id,
          deviceName: 'Work laptop',
          devicePlatform: 'chrome',
          clientId: 'satchel-extension',
        }),
      });
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 60_000)).toEqual({
        kind: 'consumed',
      });
      // Consumed is final, even after expiry.
      expect(
        await store.pollDeviceAuthorization(grant.deviceCodeHash, grant.expiresAt + 1),
      ).toEqual({
        kind: 'consumed',
      });
    });

    test('simultaneous polls of an approved grant: exactly one gets it', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const grant = await pendingGrant(store);
      await store.decideDeviceAuthorization({
        userCode: grant.userCode,
        decision: 'approved',
        accountId: account.id,
        now: T0,
      });
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, () =>
          store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 1),
        ),
      );
      expect(outcomes.filter((o) => o.kind === 'approved')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'consumed')).toHaveLength(5);
    });

    test('a decided grant answers at once even when polled too soon (no slow_down)', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const grant = await pendingGrant(store);
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, T0)).toEqual({
        kind: 'pending',
      });
      await store.decideDeviceAuthorization({
        userCode: grant.userCode,
        decision: 'denied',
        accountId: account.id,
        now: T0 + 1,
      });
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 2)).toEqual({
        kind: 'denied',
      });
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, T0 + 3)).toEqual({
        kind: 'denied',
      });
    });

    test('only a pending, unexpired grant can be decided, and only once', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const grant = await pendingGrant(store);
      const decide = (decision: 'approved' | 'denied', now: number, code = grant.userCode) =>
        store.decideDeviceAuthorization({ userCode: code, decision, accountId: account.id, now });
      expect(await decide('denied', T0 + 1)).toBe(true);
      expect(await decide('approved', T0 + 2)).toBe(false);
      expect((await store.findDeviceAuthorizationByUserCode(grant.userCode, T0 + 3))?.status).toBe(
        'denied',
      );
      const late = await pendingGrant(store);
      expect(await decide('approved', late.expiresAt, late.userCode)).toBe(false);
      expect(await decide('approved', T0, userCode())).toBe(false);
    });

    test('an expired grant polls expired, approved or not', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const grant = await pendingGrant(store);
      expect(await store.pollDeviceAuthorization(grant.deviceCodeHash, grant.expiresAt)).toEqual({
        kind: 'expired',
      });
      const approved = await pendingGrant(store);
      await store.decideDeviceAuthorization({
        userCode: approved.userCode,
        decision: 'approved',
        accountId: account.id,
        now: T0,
      });
      expect(
        await store.pollDeviceAuthorization(approved.deviceCodeHash, approved.expiresAt + 1),
      ).toEqual({
        kind: 'expired',
      });
    });
  });
}
