import { describe, expect, test } from 'vitest';
import { FINGERPRINT, op, type StoreTestDatabase, syncingAccount, T0, tokenPair } from './context';

/** For databases that outlive their Store: close, open again, everything is still there. */
export function persistenceTests(createDatabase: () => Promise<StoreTestDatabase>): void {
  describe('persistence', () => {
    test('data survives closing and reopening, and migrations do not run twice', async () => {
      const database = await createDatabase();
      try {
        const store = await database.open();
        const { account, device } = await syncingAccount(store);
        const tokens = tokenPair();
        await store.issueTokens(device.id, tokens, T0);
        await store.applyBatch({
          accountId: account.id,
          keyFingerprint: FINGERPRINT,
          ops: [op({ id: 'kept', payload: 'sealed-kept' })],
          now: T0,
        });
        await store.close();

        const reopened = await database.open();
        try {
          expect(await reopened.findAccountByUsername(account.username)).toEqual(account);
          expect(await reopened.findAccessToken(tokens.accessHash, T0)).toMatchObject({
            deviceId: device.id,
          });
          const changes = await reopened.changesSince({
            accountId: account.id,
            deviceId: device.id,
            sinceSeq: 0,
            limit: 10,
          });
          expect(changes).toMatchObject({
            kind: 'changes',
            changes: [{ id: 'kept', payload: 'sealed-kept', seq: 1 }],
          });
          // Sequence numbers continue where they stopped.
          const next = await reopened.applyBatch({
            accountId: account.id,
            keyFingerprint: FINGERPRINT,
            ops: [op({ id: 'kept', base_rev: 1 })],
            now: T0 + 1,
          });
          expect(next).toMatchObject({
            kind: 'applied',
            results: [{ status: 'ok', rev: 2, seq: 2 }],
          });
        } finally {
          await reopened.close();
        }
      } finally {
        await database.destroy();
      }
    });
  });
}
