import { describe, expect, test } from 'vitest';
import { OP_RESULT_RETENTION_MS } from '../sql/housekeeping';
import {
  FINGERPRINT,
  hash,
  newAccount,
  op,
  type SuiteContext,
  syncingAccount,
  T0,
} from './context';

export function housekeepingTests(ctx: SuiteContext): void {
  describe('purgeExpired', () => {
    test('deletes only what has expired, and op_id answers only after a day', async () => {
      const store = await ctx.freshStore();
      const account = await newAccount(store);
      const { account: syncer } = await syncingAccount(store);
      const write = op({ id: 'r' });
      await store.applyBatch({
        accountId: syncer.id,
        keyFingerprint: FINGERPRINT,
        ops: [write],
        now: T0,
      });

      await store.createSession({
        tokenHash: 'old',
        accountId: account.id,
        csrfToken: 'c',
        expiresAt: T0 + 10,
      });
      await store.createSession({
        tokenHash: 'new',
        accountId: account.id,
        csrfToken: 'c',
        expiresAt: T0 + 1e9,
      });
      await store.createInvite({
        id: `inv-${account.id}`,
        tokenHash: 'inv',
        createdBy: account.id,
        maxUses: 1,
        expiresAt: T0 + 10,
        now: T0,
      });
      await store.createDeviceAuthorization({
        deviceCodeHash: hash(),
        userCode: 'BCDFGHJK',
        clientId: 'satchel-pwa',
        deviceName: 'n',
        devicePlatform: 'p',
        requesterIp: '192.0.2.1',
        intervalS: 5,
        createdAt: T0,
        expiresAt: T0 + 10,
      });
      await store.hitRateLimit('k', 5, 10, T0);

      expect(await store.purgeExpired(T0 + 10)).toEqual({
        opResults: 0,
        sessions: 1,
        deviceAuthorizations: 1,
        invites: 1,
        rateLimits: 1,
        pairings: 0,
      });
      expect(await store.findSession('new', T0 + 10)).not.toBeNull();

      // Within the retention the retry is still answered from memory, not re-applied.
      const retry = await store.applyBatch({
        accountId: syncer.id,
        keyFingerprint: FINGERPRINT,
        ops: [write],
        now: T0 + 1,
      });
      expect(retry).toEqual({
        kind: 'applied',
        results: [{ op_id: write.op_id, status: 'ok', rev: 1, seq: 1 }],
      });
      expect((await store.purgeExpired(T0 + OP_RESULT_RETENTION_MS)).opResults).toBe(0);
      expect((await store.purgeExpired(T0 + OP_RESULT_RETENTION_MS + 1)).opResults).toBe(1);
    });
  });
}
