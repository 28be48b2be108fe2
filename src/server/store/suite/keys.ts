import { describe, expect, test } from 'vitest';
import { AccountNotFoundError } from '../errors';
import { FINGERPRINT, newAccount, OTHER_FINGERPRINT, type SuiteContext, T0 } from './context';

export function keyDocumentTests(ctx: SuiteContext): void {
  describe('key document', () => {
    test('created with If-Match *, then updated only against the current revision', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      expect(await store.getKeyDocument(account.id)).toBeNull();
      const base = {
        accountId: account.id,
        keyDocument: 'doc-1',
        keyFingerprint: FINGERPRINT,
        epoch: 1,
      };

      const created = await store.putKeyDocument({ ...base, ifMatch: '*', now: T0 });
      const v1 = {
        keyDocument: 'doc-1',
        keyFingerprint: FINGERPRINT,
        epoch: 1,
        rev: 1,
        updatedAt: T0,
      };
      expect(created).toEqual({ kind: 'written', document: v1 });
      expect(await store.getKeyDocument(account.id)).toEqual(v1);

      expect(
        await store.putKeyDocument({ ...base, ifMatch: '*', keyDocument: 'x', now: T0 + 1 }),
      ).toEqual({
        kind: 'precondition_failed',
        current: v1,
      });
      const updated = await store.putKeyDocument({
        ...base,
        ifMatch: 1,
        keyDocument: 'doc-2',
        keyFingerprint: OTHER_FINGERPRINT,
        epoch: 2,
        now: T0 + 2,
      });
      const v2 = {
        keyDocument: 'doc-2',
        keyFingerprint: OTHER_FINGERPRINT,
        epoch: 2,
        rev: 2,
        updatedAt: T0 + 2,
      };
      expect(updated).toEqual({ kind: 'written', document: v2 });
      expect(await store.putKeyDocument({ ...base, ifMatch: 1, now: T0 + 3 })).toEqual({
        kind: 'precondition_failed',
        current: v2,
      });
      expect(await store.getKeyDocument(account.id)).toEqual(v2);
    });

    test('a revision If-Match when there is no document fails with current null', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      expect(
        await store.putKeyDocument({
          accountId: account.id,
          ifMatch: 1,
          keyDocument: 'doc',
          keyFingerprint: FINGERPRINT,
          epoch: 1,
          now: T0,
        }),
      ).toEqual({ kind: 'precondition_failed', current: null });
      expect(await store.getKeyDocument(account.id)).toBeNull();
    });

    test('simultaneous writes against one revision: exactly one wins', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const base = { accountId: account.id, keyFingerprint: FINGERPRINT, epoch: 1, now: T0 };
      await store.putKeyDocument({ ...base, ifMatch: '*', keyDocument: 'v1' });
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.putKeyDocument({ ...base, ifMatch: 1, keyDocument: `w${i}` }),
        ),
      );
      expect(outcomes.filter((o) => o.kind === 'written')).toHaveLength(1);
      expect((await store.getKeyDocument(account.id))?.rev).toBe(2);
    });

    test('writing the key document of an unknown account is an error', async () => {
      await expect(
        ctx.store().putKeyDocument({
          accountId: 'no-such-account',
          ifMatch: '*',
          keyDocument: 'doc',
          keyFingerprint: FINGERPRINT,
          epoch: 1,
          now: T0,
        }),
      ).rejects.toBeInstanceOf(AccountNotFoundError);
    });
  });
}
