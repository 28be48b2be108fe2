import { describe, expect, test } from 'vitest';
import { type SuiteContext, T0 } from './context';

export function accountTests(ctx: SuiteContext): void {
  describe('accounts', () => {
    test('the first account is the owner, later ones are members, countAccounts counts them', async () => {
      const store = await ctx.freshStore();
      expect(await store.countAccounts()).toBe(0);
      const first = await store.createAccount({ username: 'Ada', passwordHash: 'h1', now: T0 });
      const second = await store.createAccount({ username: 'Bo', passwordHash: 'h2', now: T0 + 1 });
      expect(first).toMatchObject({
        username: 'Ada',
        passwordHash: 'h1',
        role: 'owner',
        createdAt: T0,
      });
      expect(second).toMatchObject({ username: 'Bo', role: 'member', createdAt: T0 + 1 });
      expect(first?.id).not.toBe(second?.id);
      expect(await store.countAccounts()).toBe(2);
    });

    test('simultaneous first sign-ups produce exactly one owner', async () => {
      const store = await ctx.freshStore();
      const created = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.createAccount({ username: `racer${i}`, passwordHash: 'h', now: T0 }),
        ),
      );
      expect(created.every((account) => account !== null)).toBe(true);
      expect(created.filter((account) => account?.role === 'owner')).toHaveLength(1);
      expect(await store.countAccounts()).toBe(8);
    });

    test('usernames are unique case-insensitively and keep their spelling', async () => {
      const store = ctx.store();
      const name = `Carol-${T0}-${Math.random().toString(36).slice(2)}`;
      const carol = await store.createAccount({ username: name, passwordHash: 'h', now: T0 });
      expect(carol?.username).toBe(name);
      expect(
        await store.createAccount({ username: name.toUpperCase(), passwordHash: 'other', now: T0 }),
      ).toBeNull();
      const found = await store.findAccountByUsername(name.toLowerCase());
      expect(found).toEqual(carol);
      expect(found?.passwordHash).toBe('h');
    });

    test('simultaneous sign-ups with one username: exactly one succeeds', async () => {
      const store = ctx.store();
      const name = `dup-${Math.random().toString(36).slice(2)}`;
      const created = await Promise.all(
        [name, name.toUpperCase(), name, name.toUpperCase()].map((username) =>
          store.createAccount({ username, passwordHash: 'h', now: T0 }),
        ),
      );
      expect(created.filter((account) => account !== null)).toHaveLength(1);
    });

    test('findAccountByUsername answers null for an unknown name', async () => {
      expect(await ctx.store().findAccountByUsername('nobody-here')).toBeNull();
    });
  });
}
