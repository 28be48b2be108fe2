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
import type { AdminStore } from './admin-types';

export type Role = 'owner' | 'member';

export interface Account {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: number;
  /** Set while the owner has disabled the account (admin page): its devices are refused. */
  disabledAt: number | null;
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
  /** Set when the token is valid but its account is disabled (bearer auth answers 403). */
  accountDisabledAt?: number | null;
}

export type RefreshOutcome =
  | { kind: 'rotated'; accountId: string; deviceId: string }
  /**
   * An already-rotated or withdrawn refresh token was presented: the device's whole family is
   * now revoked and the device flagged compromised.
   */
  | { kind: 'reused' }
  /** Idle too long or past the family's absolute lifetime: the device must sign in again. */
  | { kind: 'expired' }
  | { kind: 'invalid' };

/** How long refresh tokens live: since the token was issued, and since the family's sign-in. */
export interface RefreshLifetimes {
  idleMs: number;
  absoluteMs: number;
}

/** Who a refresh token was issued to, and what became of it (for logging a refusal). */
export interface RefreshTokenOwner {
  accountId: string;
  deviceId: string;
  familyId: string;
  state: 'active' | 'rotated' | 'revoked' | 'withdrawn';
}

export interface NewInvite {
  id: string;
  tokenHash: string;
  /** The owner who made it; null when made on the command line. */
  createdBy: string | null;
  maxUses: number;
  expiresAt: number;
  now: number;
}

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

/** The change feed asked with a bare access token (`pullWithToken`). */
export type TokenPull =
  /** The token opens nothing (unknown, expired, revoked, its device gone): ask why elsewhere. */
  | { kind: 'no_grant' }
  /** A valid token of a disabled account: nothing was read for it or written. */
  | { kind: 'disabled'; grant: AccessGrant }
  | { kind: 'pulled'; grant: AccessGrant; outcome: ChangesOutcome; pendingPairings: number };

export type ChangesOutcome =
  | {
      kind: 'changes';
      changes: RemoteRecord[];
      cursorSeq: number;
      hasMore: boolean;
      /** The account's last sequence number: what follows the page is at most this less it. */
      lastSeq: number;
    }
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

export type InviteRefusal = 'unknown' | 'expired' | 'revoked' | 'spent';
export type InviteState = 'usable' | InviteRefusal;

export interface InviteUse {
  /** Null once that account was deleted. */
  accountId: string | null;
  username: string;
  usedAt: number;
}

export interface Invite {
  id: string;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  /** Uses spent (invites from before use records existed may count one without a record). */
  useCount: number;
  revokedAt: number | null;
  state: InviteState;
  uses: InviteUse[];
}

export interface PurgeExpiredCounts {
  opResults: number;
  sessions: number;
  deviceAuthorizations: number;
  invites: number;
  rateLimits: number;
  /** Pairings deleted some time (PAIRING_RETENTION_MS) after they expired. */
  pairings: number;
}

/** A pairing's state as stored; `expired` is derived from expiresAt by the route. */
export type StoredPairingState =
  | 'pending'
  | 'offered'
  | 'revealed'
  | 'approved'
  | 'completed'
  | 'denied';

export interface PairingParticipant {
  deviceId: string;
  name: string;
  platform: string;
}

/** A pairing relayed between two devices of one account; every value is opaque to the server. */
export interface PairingRow {
  id: string;
  accountId: string;
  state: StoredPairingState;
  curve: string;
  commitment: string;
  requester: PairingParticipant;
  approver: PairingParticipant | null;
  offer: { publicKey: string; nonce: string } | null;
  reveal: { publicKey: string; nonce: string; confirmation: string } | null;
  /** The requester's MAC once its person confirmed the code; opaque to the server. */
  confirmation: string | null;
  /** Null once completed, denied or (after housekeeping) expired. */
  bundle: string | null;
  createdAt: number;
  expiresAt: number;
  updatedAt: number;
}

/** One step of a pairing, by the device `deviceId`; each is a compare-and-set on the state. */
export type PairingStep =
  /** Any device of the account but the requester; state pending → offered. */
  | { kind: 'offer'; publicKey: string; nonce: string }
  /** The requester; offered → revealed. */
  | { kind: 'reveal'; publicKey: string; nonce: string; confirmation: string }
  /** The requester, once, while revealed: its person confirmed the code (state unchanged). */
  | { kind: 'confirm'; confirmation: string }
  /** The approver; revealed → approved. */
  | { kind: 'approve'; bundle: string }
  /** The requester; approved → completed, erasing the bundle. */
  | { kind: 'complete' }
  /** Any device of the account; any open state → denied, erasing the bundle. */
  | { kind: 'deny' };

export type PairingStepOutcome =
  | { kind: 'advanced'; pairing: PairingRow }
  /** No such pairing in this account. */
  | { kind: 'not_found' }
  /** Past expiresAt and never final: no step applies any more. */
  | { kind: 'expired'; pairing: PairingRow }
  /** The step is out of order or not this device's: the pairing as it is now. */
  | { kind: 'refused'; pairing: PairingRow };

export type CreatePairingOutcome =
  /** `superseded`: the creating device's own earlier open pairings, denied in the same step. */
  | { kind: 'created'; pairing: PairingRow; superseded: number }
  /** Other devices of the account hold maxOpen open pairings; one frees up in retryAfterS. */
  | { kind: 'too_many'; retryAfterS: number };

export interface Session {
  accountId: string;
  csrfToken: string;
  expiresAt: number;
}

/** Admin-page methods are declared in ./admin-types.ts to keep this file readable. */
export interface Store extends AdminStore {
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
  /** Replaces the stored password hash (a rehash with today's parameters after a sign-in). */
  setPasswordHash(accountId: string, passwordHash: string): Promise<void>;
  /** Stores an invite; `tokenHash` is the SHA-256 of the token in the link. */
  createInvite(input: NewInvite): Promise<Invite>;
  /** Every invite still stored, newest first, each with its uses. */
  listInvites(now: number): Promise<Invite[]>;
  /** Withdraws an invite; false when there is no such invite or it was already revoked. */
  revokeInvite(id: string, now: number): Promise<boolean>;
  /** Whether the token's invite can create an account now, and if not, why. */
  inviteState(tokenHash: string, now: number): Promise<InviteState>;
  /**
   * Creates an account with an invite in one transaction: spends one use (never more than
   * `maxUses`, however many registrations race) and records which account it created. Nothing is
   * spent when the invite is refused or the username is taken.
   */
  registerWithInvite(input: {
    tokenHash: string;
    username: string;
    passwordHash: string;
    now: number;
  }): Promise<{ account: Account } | { refused: InviteRefusal | 'taken' }>;

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
  /**
   * Rotates a refresh token within its family; reuse of a rotated or withdrawn one revokes the
   * family and flags the device compromised. `lifetimes` defaults to 90 days idle, 1 year in all.
   */
  rotateRefreshToken(
    refreshHash: string,
    next: TokenPair,
    now: number,
    lifetimes?: RefreshLifetimes,
  ): Promise<RefreshOutcome>;
  /** The owner and state of a refresh token, or null when unknown. */
  refreshTokenOwner(refreshHash: string): Promise<RefreshTokenOwner | null>;
  /** Revokes every token of the device (logout). */
  revokeDeviceTokens(deviceId: string, now: number): Promise<void>;
  listDevices(accountId: string): Promise<DeviceRow[]>;
  renameDevice(accountId: string, deviceId: string, name: string): Promise<DeviceRow | null>;
  /**
   * Revokes the device and all its tokens, and denies the open pairings it requested or
   * approves; false when the account has no such live device.
   */
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
  /**
   * changesSince, found by the access token's hash in the same statement as the token itself
   * (and the pairings waiting for the device): the feed's hot path in one round trip.
   */
  pullWithToken(input: {
    tokenHash: string;
    now: number;
    sinceSeq: number;
    limit: number;
  }): Promise<TokenPull>;
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
   * Housekeeping: deletes expired sessions, device authorizations, unused invites and rate-limit
   * windows, op_id answers older than a day, and pairings an hour after they expired (erasing
   * the bundles of expired ones at once). Returns what it deleted, per kind.
   */
  purgeExpired(now: number): Promise<PurgeExpiredCounts>;

  // Pairing: relaying opaque values between a new device and an existing one of the account
  /**
   * Opens a pairing requested by `deviceId`, expiring at now + ttlMs. Under the account's lock:
   * the device's own open pairings are denied (a new request supersedes them), and when other
   * devices already hold maxOpen open pairings nothing changes and the outcome is too_many.
   */
  createPairing(input: {
    accountId: string;
    deviceId: string;
    curve: string;
    commitment: string;
    ttlMs: number;
    maxOpen: number;
    now: number;
  }): Promise<CreatePairingOutcome>;
  /** The account's open pairings (not final, not expired), newest first. */
  listOpenPairings(accountId: string, now: number): Promise<PairingRow[]>;
  /** A pairing of the account in any state, until housekeeping purges it; null otherwise. */
  getPairing(accountId: string, pairingId: string): Promise<PairingRow | null>;
  /** Applies one step atomically: of two devices racing for one step, exactly one advances. */
  advancePairing(input: {
    accountId: string;
    pairingId: string;
    deviceId: string;
    step: PairingStep;
    now: number;
  }): Promise<PairingStepOutcome>;
  /** Open pairings in state pending requested by devices other than `deviceId`. */
  countPendingPairings(accountId: string, deviceId: string, now: number): Promise<number>;

  // Throttling shared by all server processes
  /** Counts a hit on `key` in a fixed window; allowed while the count is <= max. */
  hitRateLimit(key: string, max: number, windowMs: number, now: number): Promise<RateLimitOutcome>;
  /** Forgets a key (for example after a successful sign-in). */
  resetRateLimit(key: string): Promise<void>;

  // Live stream (issue 13): NOTIFY after writes, LISTEN per process
  /** The account's current sequence (what a stream's `ready` carries). */
  accountSeq(accountId: string): Promise<number>;
  /** LISTENs on satchel_live; resolves once listening, with the function that stops it. */
  listenLive(onEvent: (event: LiveEvent) => void): Promise<() => Promise<void>>;
}

/** What one process tells all others (and itself) through NOTIFY satchel_live. */
export interface LiveEvent {
  account: string;
  kind: 'seq' | 'pairing' | 'keys' | 'revoked';
  seq?: number;
  device?: string;
}
