/**
 * The server's one storage interface. Two adapters implement it over the same SQL: PGlite
 * (embedded, the default) and PostgreSQL (`DATABASE_URL`). Everything that must be shared between
 * several server processes — sessions, rate-limit counters, sequence numbers — lives here, never
 * in process memory.
 *
 * Secrets never reach the store in the clear: tokens, device codes, invite and session tokens
 * arrive as SHA-256 hashes (hex), passwords as scrypt hashes. All times are epoch milliseconds
 * passed in by the caller (so tests can drive a clock); the store never reads the wall clock.
 */
import type { BatchOp, BatchResult, RemoteRecord } from '../../protocol';

export type Role = 'owner' | 'member';

export interface Account {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: number;
}

export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'consumed';

export interface DeviceAuthorization {
  deviceCodeHash: string;
  userCode: string;
  clientId: string;
  deviceName: string;
  devicePlatform: string;
  requesterIp: string;
  status: DeviceAuthorizationStatus;
  accountId: string | null;
  intervalS: number;
  createdAt: number;
  expiresAt: number;
  lastPolledAt: number | null;
}

/** What one poll of the token endpoint finds; the store records the poll atomically. */
export type PollOutcome =
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'slow_down'; intervalS: number }
  | { kind: 'pending' }
  | { kind: 'denied' }
  /** Returned once: the authorization is marked consumed in the same transaction. */
  | { kind: 'approved'; authorization: DeviceAuthorization }
  | { kind: 'consumed' };

export interface DeviceRow {
  id: string;
  accountId: string;
  name: string;
  platform: string;
  clientId: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** Last cursor (sequence number) this device pulled from; tombstones wait for it. 0 until hasPulled. */
  cursorSeq: number;
  /** False until the device's first changesSince: such a device holds no tombstone back. */
  hasPulled: boolean;
}

export interface TokenPair {
  accessHash: string;
  accessExpiresAt: number;
  refreshHash: string;
}

export interface AccessGrant {
  accountId: string;
  deviceId: string;
  expiresAt: number;
}

export type RefreshOutcome =
  | { kind: 'rotated'; accountId: string; deviceId: string }
  /** An already-rotated refresh token was presented: the device's whole family is now revoked. */
  | { kind: 'reused' }
  | { kind: 'invalid' };

export interface StoredKeyDocument {
  keyDocument: string;
  keyFingerprint: string;
  epoch: number;
  rev: number;
  updatedAt: number;
}

export type KeyWriteOutcome =
  | { kind: 'written'; document: StoredKeyDocument }
  /** If-Match named a revision that is not the current one (or '*' when one exists). */
  | { kind: 'precondition_failed'; current: StoredKeyDocument | null };

export type BatchOutcome =
  | { kind: 'applied'; results: BatchResult[] }
  | { kind: 'key_document_missing' }
  | { kind: 'key_mismatch'; currentFingerprint: string };

export type ChangesOutcome =
  | { kind: 'changes'; changes: RemoteRecord[]; cursorSeq: number; hasMore: boolean }
  /**
   * The cursor may have missed a purged tombstone: it is below the account's highest purged seq
   * and the device cannot vouch for it (its first pull, or a step back behind the cursor it last
   * pulled from). The client must resync from zero. since = 0 never expires.
   */
  | { kind: 'cursor_expired' }
  /**
   * The cursor is beyond every change of the account, so it was never handed out for this
   * account's current data. The client must resync from zero too.
   */
  | { kind: 'cursor_ahead' };

export interface RateLimitOutcome {
  allowed: boolean;
  /** Seconds until the window resets, when not allowed. */
  retryAfterS: number;
}

export interface PurgeExpiredCounts {
  opResults: number;
  sessions: number;
  deviceAuthorizations: number;
  invites: number;
  rateLimits: number;
}

export interface Session {
  accountId: string;
  csrfToken: string;
  expiresAt: number;
}

export interface Store {
  close(): Promise<void>;

  // Accounts and registration
  countAccounts(): Promise<number>;
  /** Creates an account; null when the username is taken. The first account ever is the owner. */
  createAccount(input: {
    username: string;
    passwordHash: string;
    now: number;
  }): Promise<Account | null>;
  findAccountByUsername(username: string): Promise<Account | null>;
  createInvite(input: {
    tokenHash: string;
    createdBy: string;
    expiresAt: number;
    now: number;
  }): Promise<void>;
  /** Marks an unexpired, unused invite used; false when there is none. */
  consumeInvite(tokenHash: string, now: number): Promise<boolean>;

  // Browser sessions of the /activate page
  createSession(input: {
    tokenHash: string;
    accountId: string;
    csrfToken: string;
    expiresAt: number;
  }): Promise<void>;
  findSession(tokenHash: string, now: number): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;

  // Device-authorization grant
  createDeviceAuthorization(
    input: Omit<DeviceAuthorization, 'status' | 'accountId' | 'lastPolledAt'>,
  ): Promise<void>;
  findDeviceAuthorizationByUserCode(
    userCode: string,
    now: number,
  ): Promise<DeviceAuthorization | null>;
  /** Approves or denies a pending, unexpired authorization; false when it is not pending. */
  decideDeviceAuthorization(input: {
    userCode: string;
    decision: 'approved' | 'denied';
    accountId: string;
    now: number;
  }): Promise<boolean>;
  /**
   * Records a poll and says what the client gets. Polling sooner than `intervalS` after the last
   * poll answers slow_down and raises the interval by 5 s (RFC 8628 §3.5).
   */
  pollDeviceAuthorization(deviceCodeHash: string, now: number): Promise<PollOutcome>;

  // Devices and tokens
  createDevice(input: {
    accountId: string;
    name: string;
    platform: string;
    clientId: string;
    now: number;
  }): Promise<DeviceRow>;
  /** Starts a new token family for the device. */
  issueTokens(deviceId: string, tokens: TokenPair, now: number): Promise<void>;
  /** Valid only while unexpired and the device is not revoked. */
  findAccessToken(accessHash: string, now: number): Promise<AccessGrant | null>;
  /** Rotates a refresh token within its family; reuse of a rotated one revokes the family. */
  rotateRefreshToken(refreshHash: string, next: TokenPair, now: number): Promise<RefreshOutcome>;
  /** Revokes every token of the device (logout). */
  revokeDeviceTokens(deviceId: string, now: number): Promise<void>;
  listDevices(accountId: string): Promise<DeviceRow[]>;
  renameDevice(accountId: string, deviceId: string, name: string): Promise<DeviceRow | null>;
  /** Revokes the device and all its tokens; false when the account has no such live device. */
  revokeDevice(accountId: string, deviceId: string, now: number): Promise<boolean>;
  touchDevice(deviceId: string, now: number): Promise<void>;

  // Key document
  getKeyDocument(accountId: string): Promise<StoredKeyDocument | null>;
  /** ifMatch: the current rev, or '*' to create only when none exists. */
  putKeyDocument(input: {
    accountId: string;
    ifMatch: number | '*';
    keyDocument: string;
    keyFingerprint: string;
    epoch: number;
    now: number;
  }): Promise<KeyWriteOutcome>;

  // Records
  /**
   * Applies ops in order in one transaction under the account's lock. Each op is compare-and-set
   * on base_rev; an op_id seen before is answered with its stored result and not re-applied.
   */
  applyBatch(input: {
    accountId: string;
    keyFingerprint: string;
    ops: BatchOp[];
    now: number;
  }): Promise<BatchOutcome>;
  /** Changes with seq > sinceSeq, in seq order; also records the device's cursor. */
  changesSince(input: {
    accountId: string;
    deviceId: string;
    sinceSeq: number;
    limit: number;
  }): Promise<ChangesOutcome>;
  /**
   * Deletes tombstones older than `olderThan` that every active device has pulled past (devices
   * that never pulled hold nothing back), and
   * remembers the highest purged seq so older cursors get cursor_expired. Returns the count.
   */
  purgeTombstones(olderThan: number): Promise<number>;
  /**
   * Housekeeping: deletes expired sessions, device authorizations, invites and rate-limit
   * windows, and op_id answers older than a day. Returns what it deleted, per kind.
   */
  purgeExpired(now: number): Promise<PurgeExpiredCounts>;

  // Throttling shared by all server processes
  /** Counts a hit on `key` in a fixed window; allowed while the count is <= max. */
  hitRateLimit(key: string, max: number, windowMs: number, now: number): Promise<RateLimitOutcome>;
  /** Forgets a key (for example after a successful sign-in). */
  resetRateLimit(key: string): Promise<void>;
}
