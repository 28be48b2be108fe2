import type { Db } from './db';
import { liveStore } from './live-store';
import {
  countAccounts,
  createAccount,
  findAccountById,
  findAccountByUsername,
  setPasswordHash,
} from './sql/accounts';
import {
  accountDisabledAt,
  accountSummaries,
  addAudit,
  closedTokenReason,
  deleteAccount,
  listAudit,
  registrationSetting,
  serverTotals,
  setAccountDisabled,
  setRegistrationSetting,
} from './sql/admin';
import {
  createAdminLink,
  createAdminSession,
  deleteAdminSession,
  spendAdminLink,
  useAdminSession,
} from './sql/admin-sessions';
import { applyBatch } from './sql/batch';
import { changesSince } from './sql/changes';
import { createDevice, listDevices, renameDevice, revokeDevice, touchDevice } from './sql/devices';
import {
  createDeviceAuthorization,
  decideDeviceAuthorization,
  findDeviceAuthorizationByUserCode,
  pollDeviceAuthorization,
} from './sql/grants';
import { purgeExpired } from './sql/housekeeping';
import {
  createInvite,
  inviteState,
  listInvites,
  registerWithInvite,
  revokeInvite,
} from './sql/invites';
import { getKeyDocument, putKeyDocument } from './sql/keys';
import { deviceAccount } from './sql/live';
import {
  advancePairing,
  countPendingPairings,
  createPairing,
  getPairing,
  listOpenPairings,
} from './sql/pairings';
import { pullWithToken } from './sql/pull-with-token';
import { hitRateLimit, resetRateLimit } from './sql/rate-limits';
import { createSession, deleteSession, findSession } from './sql/sessions';
import {
  findAccessToken,
  issueTokens,
  refreshTokenOwner,
  revokeDeviceTokens,
  rotateRefreshToken,
} from './sql/tokens';
import { purgeTombstones } from './sql/tombstones';
import type { Store } from './types';

/**
 * Each store's database, for tests that check what is stored beneath the Store's methods (that a
 * deleted account left no row anywhere); see ./testing.ts `storeDb`.
 */
export const storeDbs = new WeakMap<Store, Db>();

/** The Store over any Db adapter: the SQL lives in ./sql, one file per area. */
export function createSqlStore(db: Db): Store {
  const store = liveStore(db, {
    close: () => db.close(),

    countAccounts: () => countAccounts(db),
    createAccount: (input) => createAccount(db, input),
    findAccountByUsername: (username) => findAccountByUsername(db, username),
    setPasswordHash: (accountId, passwordHash) => setPasswordHash(db, accountId, passwordHash),
    createInvite: (input) => createInvite(db, input),
    listInvites: (now) => listInvites(db, now),
    revokeInvite: (id, now) => revokeInvite(db, id, now),
    inviteState: (tokenHash, now) => inviteState(db, tokenHash, now),
    registerWithInvite: (input) => registerWithInvite(db, input),

    createSession: (input) => createSession(db, input),
    findSession: (tokenHash, now) => findSession(db, tokenHash, now),
    deleteSession: (tokenHash) => deleteSession(db, tokenHash),

    createDeviceAuthorization: (input) => createDeviceAuthorization(db, input),
    findDeviceAuthorizationByUserCode: (userCode, now) =>
      findDeviceAuthorizationByUserCode(db, userCode, now),
    decideDeviceAuthorization: (input) => decideDeviceAuthorization(db, input),
    pollDeviceAuthorization: (deviceCodeHash, now) =>
      pollDeviceAuthorization(db, deviceCodeHash, now),

    createDevice: (input) => createDevice(db, input),
    issueTokens: (deviceId, tokens, now) => issueTokens(db, deviceId, tokens, now),
    findAccessToken: (accessHash, now) => findAccessToken(db, accessHash, now),
    rotateRefreshToken: (refreshHash, next, now, lifetimes) =>
      rotateRefreshToken(db, refreshHash, next, now, lifetimes),
    refreshTokenOwner: (refreshHash) => refreshTokenOwner(db, refreshHash),
    revokeDeviceTokens: (deviceId, now) => revokeDeviceTokens(db, deviceId, now),
    listDevices: (accountId) => listDevices(db, accountId),
    renameDevice: (accountId, deviceId, name) => renameDevice(db, accountId, deviceId, name),
    revokeDevice: (accountId, deviceId, now) => revokeDevice(db, accountId, deviceId, now),
    touchDevice: (deviceId, now) => touchDevice(db, deviceId, now),

    getKeyDocument: (accountId) => getKeyDocument(db, accountId),
    putKeyDocument: (input) => putKeyDocument(db, input),

    applyBatch: (input) => applyBatch(db, input),
    changesSince: (input) => changesSince(db, input),
    pullWithToken: (input) => pullWithToken(db, input),
    purgeTombstones: (olderThan) => purgeTombstones(db, olderThan),
    purgeExpired: (now) => purgeExpired(db, now),

    createPairing: (input) => createPairing(db, input),
    listOpenPairings: (accountId, now) => listOpenPairings(db, accountId, now),
    getPairing: (accountId, pairingId) => getPairing(db, accountId, pairingId),
    advancePairing: (input) => advancePairing(db, input),
    countPendingPairings: (accountId, deviceId, now) =>
      countPendingPairings(db, accountId, deviceId, now),

    createAdminSession: (input) => createAdminSession(db, input),
    useAdminSession: (tokenHash, now, idleMs) => useAdminSession(db, tokenHash, now, idleMs),
    deleteAdminSession: (tokenHash) => deleteAdminSession(db, tokenHash),
    createAdminLink: (tokenHash, expiresAt) => createAdminLink(db, tokenHash, expiresAt),
    spendAdminLink: (tokenHash, now) => spendAdminLink(db, tokenHash, now),
    findAccountById: (id) => findAccountById(db, id),
    accountSummaries: () => accountSummaries(db),
    serverTotals: () => serverTotals(db),
    setAccountDisabled: (accountId, at, audit) => setAccountDisabled(db, accountId, at, audit),
    deleteAccount: (accountId, until, audit) => deleteAccount(db, accountId, until, audit),
    closedTokenReason: (tokenHash, now) => closedTokenReason(db, tokenHash, now),
    accountDisabledAt: (accountId) => accountDisabledAt(db, accountId),
    deviceAccountId: (deviceId) => deviceAccount(db, deviceId),
    registrationSetting: () => registrationSetting(db),
    setRegistrationSetting: (mode, audit) => setRegistrationSetting(db, mode, audit),
    addAudit: (entry) => addAudit(db, entry),
    listAudit: (limit) => listAudit(db, limit),

    hitRateLimit: (key, max, windowMs, now) => hitRateLimit(db, key, max, windowMs, now),
    resetRateLimit: (key) => resetRateLimit(db, key),
  });
  storeDbs.set(store, db);
  return store;
}
