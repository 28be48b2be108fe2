import * as v from 'valibot';
import type { Db } from './db';
import { accountSeq, deviceAccount, LIVE_CHANNEL, notifyLive } from './sql/live';
import type { LiveEvent, Store } from './types';

type BaseStore = Omit<Store, 'accountSeq' | 'listenLive'>;

/**
 * Adds the live stream's NOTIFYs to the writes that change what a device should fetch, in one
 * place, so no route can forget one. Each notify runs after its write committed; a failed
 * notify is logged to stderr and never fails the write (streams are hints, the timed sync is the
 * safety net).
 */
export function liveStore(db: Db, base: BaseStore): Store {
  const notify = (event: LiveEvent) =>
    notifyLive(db, event).catch((err: unknown) => {
      process.stderr.write(`live: NOTIFY failed: ${String(err)}\n`);
    });
  return {
    ...base,
    async applyBatch(input) {
      const outcome = await base.applyBatch(input);
      if (outcome.kind === 'applied') {
        const seqs = outcome.results.flatMap((r) => ('seq' in r && r.seq ? [r.seq] : []));
        if (seqs.length > 0) {
          await notify({ account: input.accountId, kind: 'seq', seq: Math.max(...seqs) });
        }
      }
      return outcome;
    },
    async putKeyDocument(input) {
      const outcome = await base.putKeyDocument(input);
      if (outcome.kind === 'written') await notify({ account: input.accountId, kind: 'keys' });
      return outcome;
    },
    async createPairing(input) {
      const outcome = await base.createPairing(input);
      if (outcome.kind === 'created') await notify({ account: input.accountId, kind: 'pairing' });
      return outcome;
    },
    async advancePairing(input) {
      const outcome = await base.advancePairing(input);
      if (outcome.kind === 'advanced') await notify({ account: input.accountId, kind: 'pairing' });
      return outcome;
    },
    // A disabled or deleted account's streams close at once, in whichever process holds them.
    async setAccountDisabled(accountId, disabledAt, audit) {
      const changed = await base.setAccountDisabled(accountId, disabledAt, audit);
      if (changed && disabledAt !== null) await notify({ account: accountId, kind: 'revoked' });
      return changed;
    },
    async deleteAccount(accountId, closedUntil, audit) {
      const deleted = await base.deleteAccount(accountId, closedUntil, audit);
      if (deleted) await notify({ account: accountId, kind: 'revoked' });
      return deleted;
    },
    async revokeDevice(accountId, deviceId, now) {
      const revoked = await base.revokeDevice(accountId, deviceId, now);
      if (revoked) await notify({ account: accountId, kind: 'revoked', device: deviceId });
      return revoked;
    },
    // Tokens revoked without the device (logout of every family): its open streams were
    // authenticated by one of them, so they close too, from whichever process holds them.
    async revokeDeviceTokens(deviceId, now) {
      await base.revokeDeviceTokens(deviceId, now);
      const account = await deviceAccount(db, deviceId);
      if (account) await notify({ account, kind: 'revoked', device: deviceId });
    },
    // Reuse of a refresh token revokes its family and flags the device compromised: whoever
    // holds the device's stream, the thief or the owner, is no longer trusted with it.
    async rotateRefreshToken(refreshHash, next, now, lifetimes) {
      const outcome = await base.rotateRefreshToken(refreshHash, next, now, lifetimes);
      if (outcome.kind === 'reused') {
        const owner = await base.refreshTokenOwner(refreshHash);
        if (owner)
          await notify({ account: owner.accountId, kind: 'revoked', device: owner.deviceId });
      }
      return outcome;
    },
    accountSeq: (accountId) => accountSeq(db, accountId),
    async listenLive(onEvent) {
      if (!db.listen) throw new Error('this database cannot LISTEN');
      return db.listen(LIVE_CHANNEL, (payload) => {
        const event = parseLiveEvent(payload);
        if (event) onEvent(event);
      });
    },
  };
}

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));

/** What a NOTIFY on satchel_live carries (docs/PROTOCOL.md, "Live stream"). */
const LiveEventSchema = v.variant('kind', [
  v.object({ account: Id, kind: v.literal('seq'), seq: v.pipe(v.number(), v.integer()) }),
  v.object({ account: Id, kind: v.picklist(['pairing', 'keys']) }),
  // Without a device: every stream of the account (disabled or deleted on the admin page).
  v.object({ account: Id, kind: v.literal('revoked'), device: v.optional(Id) }),
]);

/** Only our own processes NOTIFY this channel, but a malformed payload is dropped, not trusted. */
function parseLiveEvent(payload: string): LiveEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  const event = v.safeParse(LiveEventSchema, value);
  return event.success ? event.output : null;
}
