import { describe, expect, test } from 'vitest';
import type { AuditEntry } from '../admin-types';
import { hash, newAccount, newDevice, type SuiteContext, signedIn, T0, tokenPair } from './context';

const audit = (action: string): AuditEntry => ({
  at: T0,
  actor: 'owner',
  action,
  target: null,
  detail: null,
});

export function adminTests(ctx: SuiteContext): void {
  describe('admin page', () => {
    test('an admin session lives while used within the idle time, and never past expiry', async () => {
      const store = ctx.store();
      const account = await newAccount(store);
      const tokenHash = hash();
      const session = {
        accountId: account.id,
        csrfToken: 'csrf',
        createdAt: T0,
        lastUsedAt: T0,
        expiresAt: T0 + 1000,
      };
      await store.createAdminSession({ tokenHash, ...session });
      expect(await store.useAdminSession(tokenHash, T0 + 90, 100)).toEqual({
        ...session,
        lastUsedAt: T0 + 90,
      });
      expect(await store.useAdminSession(tokenHash, T0 + 180, 100)).not.toBeNull();
      expect(await store.useAdminSession(tokenHash, T0 + 281, 100)).toBeNull();
      const other = hash();
      await store.createAdminSession({ tokenHash: other, ...session, lastUsedAt: T0 + 999 });
      expect(await store.useAdminSession(other, T0 + 1000, 100)).toBeNull();
      await store.deleteAdminSession(tokenHash);
      expect(await store.useAdminSession(tokenHash, T0, 100)).toBeNull();
    });

    test('a sign-in link is spent once, and never after it expired', async () => {
      const store = ctx.store();
      const [once, late] = [hash(), hash()];
      await store.createAdminLink(once, T0 + 100);
      await store.createAdminLink(late, T0 + 100);
      expect(await store.spendAdminLink(once, T0)).toBe(true);
      expect(await store.spendAdminLink(once, T0)).toBe(false);
      expect(await store.spendAdminLink(late, T0 + 100)).toBe(false);
    });

    test("disabling marks the account's access grants and can be undone", async () => {
      const { store, account, first } = await signedIn(ctx);
      expect(await store.setAccountDisabled(account.id, T0, audit('disable'))).toBe(true);
      expect(await store.findAccessToken(first.accessHash, T0)).toMatchObject({
        accountDisabledAt: T0,
      });
      expect(await store.accountDisabledAt(account.id)).toBe(T0);
      expect((await store.findAccountById(account.id))?.disabledAt).toBe(T0);
      await store.setAccountDisabled(account.id, null, audit('enable'));
      const grant = await store.findAccessToken(first.accessHash, T0);
      expect(grant).not.toHaveProperty('accountDisabledAt');
      expect(await store.setAccountDisabled('nobody', T0, audit('disable'))).toBe(false);
    });

    test('deleting keeps only the token hashes, until they expire', async () => {
      const { store, account, device, first } = await signedIn(ctx);
      const second = tokenPair();
      await store.issueTokens(device.id, second, T0);
      expect(await store.deleteAccount(account.id, T0 + 1000, audit('delete'))).toBe(true);
      for (const token of [first.accessHash, first.refreshHash, second.refreshHash]) {
        expect(await store.closedTokenReason(token, T0)).toBe('account_deleted');
        expect(await store.closedTokenReason(token, T0 + 1000)).toBeNull();
      }
      expect(await store.findAccountById(account.id)).toBeNull();
      expect(await store.accountDisabledAt(account.id)).toBeUndefined();
      expect(await store.deviceAccountId(device.id)).toBeNull();
      expect(await store.deleteAccount(account.id, T0, audit('delete'))).toBe(false);
    });

    test('summaries, totals, the registration setting and the audit log', async () => {
      const store = await ctx.freshStore();
      const owner = await newAccount(store);
      const member = await newAccount(store, T0 + 1);
      await newDevice(store, member.id);
      const revoked = await newDevice(store, member.id);
      await store.revokeDevice(member.id, revoked.id, T0);
      await store.touchDevice(revoked.id, T0 + 50);
      const summaries = await store.accountSummaries();
      expect(summaries.map((a) => [a.id, a.role, a.devices, a.lastSeenAt])).toEqual([
        [owner.id, 'owner', 0, null],
        [member.id, 'member', 1, T0 + 50],
      ]);
      expect(await store.serverTotals()).toEqual({ accounts: 2, devices: 1, records: 0, bytes: 0 });

      expect(await store.registrationSetting()).toBeNull();
      await store.setRegistrationSetting('invite', audit('registration'));
      await store.setRegistrationSetting('open', audit('registration'));
      expect(await store.registrationSetting()).toBe('open');
      await store.addAudit({ ...audit('sign_in'), target: 'password', detail: 'x' });
      const entries = await store.listAudit(2);
      expect(entries).toEqual([
        { ...audit('sign_in'), target: 'password', detail: 'x' },
        audit('registration'),
      ]);
    });
  });
}
