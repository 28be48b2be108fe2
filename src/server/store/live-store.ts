import type { Db } from './db';
import { accountSeq, LIVE_CHANNEL, notifyLive } from './sql/live';
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
    async revokeDevice(accountId, deviceId, now) {
      const revoked = await base.revokeDevice(accountId, deviceId, now);
      if (revoked) await notify({ account: accountId, kind: 'revoked', device: deviceId });
      return revoked;
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

/** Only our own processes NOTIFY this channel, but a malformed payload is dropped, not trusted. */
function parseLiveEvent(payload: string): LiveEvent | null {
  try {
    const value = JSON.parse(payload) as Partial<LiveEvent>;
    if (typeof value.account !== 'string') return null;
    if (!['seq', 'pairing', 'keys', 'revoked'].includes(value.kind as string)) return null;
    return value as LiveEvent;
  } catch {
    return null;
  }
}
