import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Store } from '../types';
import { hash, newAccount, type SuiteContext, T0 } from './context';

/** An invite of `maxUses` uses expiring at T0 + 1000; returns its id and token hash. */
async function invite(
  store: Store,
  options: { maxUses?: number; createdBy?: string | null; expiresAt?: number } = {},
): Promise<{ id: string; tokenHash: string }> {
  const id = `inv-${randomUUID().slice(0, 8)}`;
  const tokenHash = hash();
  await store.createInvite({
    id,
    tokenHash,
    createdBy: options.createdBy ?? null,
    maxUses: options.maxUses ?? 1,
    expiresAt: options.expiresAt ?? T0 + 1000,
    now: T0,
  });
  return { id, tokenHash };
}

function register(store: Store, tokenHash: string, now = T0 + 10, username?: string) {
  return store.registerWithInvite({
    tokenHash,
    username: username ?? `guest-${randomUUID()}`,
    passwordHash: 'scrypt$x',
    now,
  });
}

export function inviteTests(ctx: SuiteContext): void {
  describe('invites', () => {
    test('a single-use invite creates one account, and never after it expires', async () => {
      const store = ctx.store();
      const owner = await newAccount(store);
      const a = await invite(store, { createdBy: owner.id });
      const b = await invite(store, { createdBy: owner.id });
      const used = await register(store, a.tokenHash, T0 + 10, `used-${randomUUID()}`);
      expect(used).toMatchObject({ account: { role: 'member' } });
      expect(await register(store, a.tokenHash, T0 + 20)).toEqual({ refused: 'spent' });
      expect(await register(store, b.tokenHash, T0 + 1000)).toEqual({ refused: 'expired' });
      expect(await register(store, hash(), T0)).toEqual({ refused: 'unknown' });
      expect(await store.inviteState(a.tokenHash, T0 + 20)).toBe('spent');
      expect(await store.inviteState(b.tokenHash, T0 + 999)).toBe('usable');
      expect(await store.inviteState(b.tokenHash, T0 + 1000)).toBe('expired');
    });

    test('an N-use invite creates exactly N accounts and records each', async () => {
      const store = ctx.store();
      const three = await invite(store, { maxUses: 3 });
      const names = [1, 2, 3].map((i) => `three-${i}-${randomUUID()}`);
      for (const [i, name] of names.entries()) {
        const result = await register(store, three.tokenHash, T0 + 10 + i, name);
        expect(result).toMatchObject({ account: { username: name } });
      }
      expect(await register(store, three.tokenHash, T0 + 20)).toEqual({ refused: 'spent' });
      const listed = (await store.listInvites(T0 + 20)).find((item) => item.id === three.id);
      expect(listed).toMatchObject({ maxUses: 3, useCount: 3, state: 'spent', createdBy: null });
      expect(listed?.uses.map((use) => [use.username, use.usedAt])).toEqual([
        [names[0], T0 + 10],
        [names[1], T0 + 11],
        [names[2], T0 + 12],
      ]);
      const account = await store.findAccountByUsername(names[1] ?? '');
      expect(listed?.uses[1]?.accountId).toBe(account?.id);
    });

    test('simultaneous registrations spend the last use exactly once', async () => {
      const store = ctx.store();
      const two = await invite(store, { maxUses: 2 });
      expect(await register(store, two.tokenHash)).toHaveProperty('account');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => register(store, two.tokenHash, T0 + 11)),
      );
      expect(results.filter((result) => 'account' in result)).toHaveLength(1);
      expect(
        results.filter((result) => 'refused' in result && result.refused === 'spent'),
      ).toHaveLength(5);
      const listed = (await store.listInvites(T0 + 20)).find((item) => item.id === two.id);
      expect(listed?.useCount).toBe(2);
      expect(listed?.uses).toHaveLength(2);
    });

    test('a taken username spends nothing', async () => {
      const store = ctx.store();
      const owner = await newAccount(store);
      const one = await invite(store);
      expect(await register(store, one.tokenHash, T0 + 10, owner.username.toUpperCase())).toEqual({
        refused: 'taken',
      });
      expect(await store.inviteState(one.tokenHash, T0 + 10)).toBe('usable');
      expect((await store.listInvites(T0 + 10)).find((item) => item.id === one.id)?.uses).toEqual(
        [],
      );
    });

    test('a revoked invite is refused as revoked; revoking twice or an unknown id says false', async () => {
      const store = ctx.store();
      const one = await invite(store, { maxUses: 5 });
      expect(await store.revokeInvite(one.id, T0 + 5)).toBe(true);
      expect(await store.revokeInvite(one.id, T0 + 6)).toBe(false);
      expect(await store.revokeInvite('no-such-invite', T0 + 6)).toBe(false);
      expect(await register(store, one.tokenHash)).toEqual({ refused: 'revoked' });
      const listed = (await store.listInvites(T0 + 10)).find((item) => item.id === one.id);
      expect(listed).toMatchObject({ revokedAt: T0 + 5, state: 'revoked', useCount: 0 });
    });

    test('the first account made with an invite is the owner', async () => {
      const store = await ctx.freshStore();
      const one = await invite(store);
      expect(await register(store, one.tokenHash)).toMatchObject({ account: { role: 'owner' } });
    });

    test('housekeeping keeps an expired invite that was used, with its record', async () => {
      const store = await ctx.freshStore();
      const used = await invite(store, { maxUses: 2, expiresAt: T0 + 100 });
      await invite(store, { expiresAt: T0 + 100 });
      expect(await register(store, used.tokenHash)).toHaveProperty('account');
      expect((await store.purgeExpired(T0 + 100)).invites).toBe(1);
      const left = await store.listInvites(T0 + 100);
      expect(left.map((item) => [item.id, item.state, item.uses.length])).toEqual([
        [used.id, 'expired', 1],
      ]);
    });
  });
}
