import { describe, expect, test } from 'vitest';
import { hash, newAccount, type SuiteContext, T0 } from './context';

export function sessionTests(ctx: SuiteContext): void {
  describe('browser sessions', () => {
    test('a session is found until it expires and gone once deleted', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const tokenHash = hash();
      await store.createSession({
        tokenHash,
        accountId: account.id,
        csrfToken: 'csrf-1',
        expiresAt: T0 + 100,
      });
      expect(await store.findSession(tokenHash, T0)).toEqual({
        accountId: account.id,
        csrfToken: 'csrf-1',
        expiresAt: T0 + 100,
      });
      expect(await store.findSession(tokenHash, T0 + 100)).toBeNull();
      expect(await store.findSession(hash(), T0)).toBeNull();
      await store.deleteSession(tokenHash);
      expect(await store.findSession(tokenHash, T0)).toBeNull();
    });
  });
}
