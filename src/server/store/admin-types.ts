/**
 * The store's part of the owner's admin page (issue 14): admin sessions and one-time sign-in
 * links, account statistics, disabling and deleting accounts, server settings and the audit log.
 * Secrets arrive hashed and times as epoch milliseconds, as for the rest of the Store.
 */
import type { Account } from './types';

export type RegistrationMode = 'first-user' | 'invite' | 'open';

export interface AdminSession {
  accountId: string;
  csrfToken: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
}

export interface AccountSummary {
  id: string;
  username: string;
  role: 'owner' | 'member';
  createdAt: number;
  /** The latest lastSeenAt of its devices; null when none was seen. */
  lastSeenAt: number | null;
  /** Live (not revoked) devices. */
  devices: number;
  records: number;
  /** Sum of the stored ciphertext sizes (payload characters). */
  bytes: number;
  keyEpoch: number | null;
  disabledAt: number | null;
}

export interface ServerTotals {
  accounts: number;
  devices: number;
  records: number;
  bytes: number;
}

/** One row of the admin audit log; written in the same transaction as the action it records. */
export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface AdminStore {
  findAccountById(id: string): Promise<Account | null>;
  createAdminSession(input: AdminSession & { tokenHash: string }): Promise<void>;
  /**
   * The session if neither idle past `idleMs` nor past its absolute expiry; a found session's
   * last use moves to `now` in the same statement.
   */
  useAdminSession(tokenHash: string, now: number, idleMs: number): Promise<AdminSession | null>;
  deleteAdminSession(tokenHash: string): Promise<void>;
  createAdminLink(tokenHash: string, expiresAt: number): Promise<void>;
  /** Spends a one-time link: true once, while unexpired. */
  spendAdminLink(tokenHash: string, now: number): Promise<boolean>;

  accountSummaries(): Promise<AccountSummary[]>;
  serverTotals(): Promise<ServerTotals>;
  /** Sets or clears disabled_at, with its audit row; false when there is no such account. */
  setAccountDisabled(
    accountId: string,
    disabledAt: number | null,
    audit: AuditEntry,
  ): Promise<boolean>;
  /**
   * Deletes the account and everything of it in one transaction, first keeping the hashes of its
   * tokens in closed_tokens until `closedUntil`; false when there is no such account.
   */
  deleteAccount(accountId: string, closedUntil: number, audit: AuditEntry): Promise<boolean>;
  /** Why a token no longer works when it belonged to a deleted account; null otherwise. */
  closedTokenReason(tokenHash: string, now: number): Promise<'account_deleted' | null>;
  /** The account's disabled_at (null when enabled), or undefined when there is no such account. */
  accountDisabledAt(accountId: string): Promise<number | null | undefined>;

  /** The account a device belongs to (revoked or not), or null when there is no such device. */
  deviceAccountId(deviceId: string): Promise<string | null>;

  /** The registration mode set on the admin page, or null when the config's default rules. */
  registrationSetting(): Promise<RegistrationMode | null>;
  setRegistrationSetting(mode: RegistrationMode, audit: AuditEntry): Promise<void>;

  addAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(limit: number): Promise<AuditEntry[]>;
}
