import { describe, expect, test } from 'vitest';
import { hash, newDevice, type SuiteContext, signedIn, T0, tokenPair } from './context';
import { tokenLifetimeTests } from './token-lifetimes';

export function tokenTests(ctx: SuiteContext): void {
  describe('tokens', () => {
    test('an access token is valid until it expires; a refresh token is not an access token', async () => {
      const { store, account, device, first } = await signedIn(ctx);
      expect(await store.findAccessToken(first.accessHash, T0)).toEqual({
        accountId: account.id,
        deviceId: device.id,
        expiresAt: first.accessExpiresAt,
      });
      expect(await store.findAccessToken(first.accessHash, first.accessExpiresAt)).toBeNull();
      expect(await store.findAccessToken(first.refreshHash, T0)).toBeNull();
      expect(await store.findAccessToken(hash(), T0)).toBeNull();
    });

    test('rotation issues the next pair; the old refresh token then counts as reuse and kills the family', async () => {
      const { store, account, device, first } = await signedIn(ctx);
      const second = tokenPair(T0 + 2_000_000);
      expect(await store.rotateRefreshToken(first.refreshHash, second, T0 + 1)).toEqual({
        kind: 'rotated',
        accountId: account.id,
        deviceId: device.id,
      });
      expect(await store.findAccessToken(second.accessHash, T0 + 2)).toMatchObject({
        deviceId: device.id,
      });

      expect(await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 3)).toEqual({
        kind: 'reused',
      });
      // The whole family is gone: the legitimate-looking latest pair too.
      expect(await store.findAccessToken(second.accessHash, T0 + 4)).toBeNull();
      expect(await store.findAccessToken(first.accessHash, T0 + 4)).toBeNull();
      expect(await store.rotateRefreshToken(second.refreshHash, tokenPair(), T0 + 5)).toEqual({
        kind: 'invalid',
      });
    });

    test('simultaneous rotations of one refresh token: both answer, and only the last pair lives', async () => {
      const { store, first } = await signedIn(ctx);
      const pairs = [tokenPair(), tokenPair()];
      const outcomes = await Promise.all(
        pairs.map((pair) => store.rotateRefreshToken(first.refreshHash, pair, T0 + 1)),
      );
      // Neither pair had been used, so the second is a retry, not theft; one family, one pair.
      expect(outcomes.map((o) => o.kind)).toEqual(['rotated', 'rotated']);
      const live = [];
      for (const pair of pairs) {
        if (await store.findAccessToken(pair.accessHash, T0 + 2)) live.push(pair);
      }
      expect(live).toHaveLength(1);
    });

    test('a retry after a lost response gets a new pair and withdraws the unused one', async () => {
      const { store, device, first } = await signedIn(ctx);
      const lost = tokenPair();
      expect((await store.rotateRefreshToken(first.refreshHash, lost, T0 + 1)).kind).toBe(
        'rotated',
      );
      // The answer never arrived; the device still holds `first` and tries again.
      const retried = tokenPair();
      expect(await store.rotateRefreshToken(first.refreshHash, retried, T0 + 60_000)).toMatchObject(
        {
          kind: 'rotated',
          deviceId: device.id,
        },
      );
      expect(await store.findAccessToken(lost.accessHash, T0 + 60_001)).toBeNull();
      expect(await store.findAccessToken(retried.accessHash, T0 + 60_002)).not.toBeNull();
      // Issue 12 item 6: the withdrawn pair was `invalid` before; presenting it now means someone
      // else holds it, so it is reuse and the family (the retried pair too) is revoked.
      expect(
        (await store.rotateRefreshToken(lost.refreshHash, tokenPair(), T0 + 60_003)).kind,
      ).toBe('reused');
      expect(await store.findAccessToken(retried.accessHash, T0 + 60_004)).toBeNull();
    });

    test('a replay once the next pair has been used is theft, even within the grace period', async () => {
      const { store, first } = await signedIn(ctx);
      const second = tokenPair();
      await store.rotateRefreshToken(first.refreshHash, second, T0 + 1);
      expect(await store.findAccessToken(second.accessHash, T0 + 2)).not.toBeNull();
      expect((await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 3)).kind).toBe(
        'reused',
      );
      expect(await store.findAccessToken(second.accessHash, T0 + 4)).toBeNull();
    });

    test('a replay after the grace period is theft, even if the next pair was never used', async () => {
      const { store, first } = await signedIn(ctx);
      const second = tokenPair(T0 + 60 * 60 * 1000);
      await store.rotateRefreshToken(first.refreshHash, second, T0 + 1);
      const late = T0 + 1 + 5 * 60 * 1000 + 1;
      expect((await store.rotateRefreshToken(first.refreshHash, tokenPair(), late)).kind).toBe(
        'reused',
      );
      expect((await store.rotateRefreshToken(second.refreshHash, tokenPair(), late + 1)).kind).toBe(
        'invalid',
      );
    });

    test('only the latest rotated token may retry: an older one is theft', async () => {
      const { store, first } = await signedIn(ctx);
      const second = tokenPair();
      await store.rotateRefreshToken(first.refreshHash, second, T0 + 1);
      const third = tokenPair();
      await store.rotateRefreshToken(second.refreshHash, third, T0 + 2);
      expect((await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 3)).kind).toBe(
        'reused',
      );
      expect(await store.findAccessToken(third.accessHash, T0 + 4)).toBeNull();
    });

    test('reuse revokes only its own family', async () => {
      const { store, device, first } = await signedIn(ctx);
      const otherFamily = tokenPair();
      await store.issueTokens(device.id, otherFamily, T0);
      const second = tokenPair();
      await store.rotateRefreshToken(first.refreshHash, second, T0 + 1);
      // Used, so the replay below cannot be a retry after a lost response.
      await store.findAccessToken(second.accessHash, T0 + 1);
      expect(await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 2)).toEqual({
        kind: 'reused',
      });
      expect(await store.findAccessToken(otherFamily.accessHash, T0 + 3)).not.toBeNull();
      expect(
        (await store.rotateRefreshToken(otherFamily.refreshHash, tokenPair(), T0 + 3)).kind,
      ).toBe('rotated');
    });

    test('unknown refresh tokens and access tokens presented as refresh tokens are invalid', async () => {
      const { store, first } = await signedIn(ctx);
      expect(await store.rotateRefreshToken(hash(), tokenPair(), T0)).toEqual({ kind: 'invalid' });
      expect(await store.rotateRefreshToken(first.accessHash, tokenPair(), T0)).toEqual({
        kind: 'invalid',
      });
      // The failed attempts changed nothing.
      expect(await store.findAccessToken(first.accessHash, T0)).not.toBeNull();
    });

    test('revokeDeviceTokens logs the device out of every family at once', async () => {
      const { store, account, device, first } = await signedIn(ctx);
      const second = tokenPair();
      await store.issueTokens(device.id, second, T0);
      await store.revokeDeviceTokens(device.id, T0 + 1);
      expect(await store.findAccessToken(first.accessHash, T0 + 2)).toBeNull();
      expect(await store.findAccessToken(second.accessHash, T0 + 2)).toBeNull();
      expect(await store.rotateRefreshToken(second.refreshHash, tokenPair(), T0 + 2)).toEqual({
        kind: 'invalid',
      });
      // Logging out is not revoking the device: it may sign in again.
      expect((await store.listDevices(account.id)).map((d) => d.id)).toContain(device.id);
    });

    test('revoking a device invalidates its tokens immediately and leaves other devices alone', async () => {
      const { store, account, device, first } = await signedIn(ctx);
      const other = await newDevice(store, account.id);
      const otherTokens = tokenPair();
      await store.issueTokens(other.id, otherTokens, T0);
      expect(await store.revokeDevice(account.id, device.id, T0 + 1)).toBe(true);
      expect(await store.findAccessToken(first.accessHash, T0 + 1)).toBeNull();
      expect(await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 1)).toEqual({
        kind: 'invalid',
      });
      expect(await store.findAccessToken(otherTokens.accessHash, T0 + 1)).toMatchObject({
        deviceId: other.id,
      });
    });

    tokenLifetimeTests(ctx);
  });
}
