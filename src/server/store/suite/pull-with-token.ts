import { describe, expect, test } from 'vitest';
import type { AuditEntry } from '../admin-types';
import type { Store } from '../types';
import {
  FINGERPRINT,
  newDevice,
  op,
  type SuiteContext,
  syncingAccount,
  T0,
  tokenPair,
} from './context';

const disable: AuditEntry = {
  at: T0,
  actor: 'owner',
  action: 'disable',
  target: null,
  detail: null,
};

/** An account ready to sync whose device holds a fresh token pair. */
async function withToken(store: Store) {
  const { account, device } = await syncingAccount(store);
  const tokens = tokenPair();
  await store.issueTokens(device.id, tokens, T0);
  return { account, device, tokens };
}

export function pullWithTokenTests(ctx: SuiteContext): void {
  describe('pullWithToken (the feed and its token in one statement)', () => {
    test('answers what the token lookup, changesSince and the pairings count answer apart', async () => {
      const store = ctx.store();
      const { account, device, tokens } = await withToken(store);
      const other = await newDevice(store, account.id);
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: Array.from({ length: 5 }, (_, i) => op({ id: `r${i}` })),
        now: T0,
      });
      await store.createPairing({
        accountId: account.id,
        deviceId: other.id,
        curve: 'P-256',
        commitment: 'c'.repeat(43),
        ttlMs: 600_000,
        maxOpen: 3,
        now: T0,
      });
      for (const [sinceSeq, limit] of [
        [0, 2],
        [2, 2],
        [4, 1],
        [0, 100],
        [5, 10],
        [9, 10],
      ] as const) {
        const folded = await store.pullWithToken({
          tokenHash: tokens.accessHash,
          now: T0 + 1,
          sinceSeq,
          limit,
        });
        const apart = await store.changesSince({
          accountId: account.id,
          deviceId: device.id,
          sinceSeq,
          limit,
        });
        expect({ sinceSeq, limit, folded }).toEqual({
          sinceSeq,
          limit,
          folded: {
            kind: 'pulled',
            grant: await store.findAccessToken(tokens.accessHash, T0 + 1),
            outcome: apart,
            pendingPairings: await store.countPendingPairings(account.id, device.id, T0 + 1),
          },
        });
      }
      expect((await store.listDevices(account.id)).find((d) => d.id === device.id)).toMatchObject({
        cursorSeq: 5,
        hasPulled: true,
      });
    });

    test('records the cursor the device pulled from', async () => {
      const store = ctx.store();
      const { account, device, tokens } = await withToken(store);
      await store.applyBatch({
        accountId: account.id,
        keyFingerprint: FINGERPRINT,
        ops: [op({ id: 'a' }), op({ id: 'b' })],
        now: T0,
      });
      const pulled = await store.pullWithToken({
        tokenHash: tokens.accessHash,
        now: T0 + 1,
        sinceSeq: 1,
        limit: 10,
      });
      expect(pulled).toMatchObject({ kind: 'pulled', outcome: { kind: 'changes', cursorSeq: 2 } });
      expect((await store.listDevices(account.id)).find((d) => d.id === device.id)).toMatchObject({
        cursorSeq: 1,
        hasPulled: true,
      });
    });

    test('a pull is a use of the token: a refresh retried after it is reuse, not a retry', async () => {
      const store = ctx.store();
      const { tokens } = await withToken(store);
      const second = tokenPair();
      await store.rotateRefreshToken(tokens.refreshHash, second, T0 + 1);
      const pulled = await store.pullWithToken({
        tokenHash: second.accessHash,
        now: T0 + 2,
        sinceSeq: 0,
        limit: 10,
      });
      expect(pulled.kind).toBe('pulled');
      expect((await store.rotateRefreshToken(tokens.refreshHash, tokenPair(), T0 + 3)).kind).toBe(
        'reused',
      );
    });

    test('finds no grant for an unknown, expired or revoked token, and reads nothing for a disabled account', async () => {
      const store = ctx.store();
      const { account, device, tokens } = await withToken(store);
      const ask = (tokenHash: string, now = T0 + 1) =>
        store.pullWithToken({ tokenHash, now, sinceSeq: 0, limit: 10 });
      expect(await ask('0'.repeat(64))).toEqual({ kind: 'no_grant' });
      expect(await ask(tokens.accessHash, tokens.accessExpiresAt)).toEqual({ kind: 'no_grant' });
      expect(await ask(tokens.refreshHash)).toEqual({ kind: 'no_grant' });

      await store.setAccountDisabled(account.id, T0, disable);
      expect(await ask(tokens.accessHash)).toEqual({
        kind: 'disabled',
        grant: expect.objectContaining({ accountId: account.id, accountDisabledAt: T0 }),
      });
      expect((await store.listDevices(account.id))[0]).toMatchObject({ hasPulled: false });
      await store.setAccountDisabled(account.id, null, { ...disable, action: 'enable' });

      await store.revokeDevice(account.id, device.id, T0 + 2);
      expect(await ask(tokens.accessHash, T0 + 3)).toEqual({ kind: 'no_grant' });
    });
  });
}
