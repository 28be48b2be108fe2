/**
 * This process's open live streams, indexed by account and device, fed by LISTEN satchel_live:
 * every process hears every NOTIFY (its own included) and pokes only its own streams.
 */
import { LIVE_CLOSE, type LiveServerMessage } from '../../protocol';
import type { LiveEvent } from '../store/types';

export interface LiveStream {
  accountId: string;
  deviceId: string;
  address: string;
  send(message: LiveServerMessage): void;
  close(code: number, reason: string): void;
}

export class LiveHub {
  private readonly byAccount = new Map<string, Set<LiveStream>>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly limits: { perAccount: number; perAddress: number }) {}

  get size(): number {
    let n = 0;
    for (const set of this.byAccount.values()) n += set.size;
    return n;
  }

  /** False when a limit is reached (the caller closes with 4429). */
  add(stream: LiveStream): boolean {
    const streams = this.byAccount.get(stream.accountId) ?? new Set<LiveStream>();
    const fromAddress = this.perAddress.get(stream.address) ?? 0;
    if (streams.size >= this.limits.perAccount || fromAddress >= this.limits.perAddress) {
      return false;
    }
    streams.add(stream);
    this.byAccount.set(stream.accountId, streams);
    this.perAddress.set(stream.address, fromAddress + 1);
    return true;
  }

  remove(stream: LiveStream): void {
    const streams = this.byAccount.get(stream.accountId);
    if (!streams?.delete(stream)) return;
    if (streams.size === 0) this.byAccount.delete(stream.accountId);
    const left = (this.perAddress.get(stream.address) ?? 1) - 1;
    if (left <= 0) this.perAddress.delete(stream.address);
    else this.perAddress.set(stream.address, left);
  }

  dispatch(event: LiveEvent): void {
    const streams = this.byAccount.get(event.account);
    if (!streams) return;
    for (const stream of [...streams]) {
      if (event.kind === 'revoked') {
        // No device named: the whole account was disabled or deleted on the admin page.
        if (event.device === undefined || stream.deviceId === event.device) {
          stream.close(LIVE_CLOSE.revoked, 'device revoked');
        }
      } else if (event.kind === 'seq') {
        if (typeof event.seq === 'number') stream.send({ type: 'seq', seq: event.seq });
      } else {
        stream.send({ type: event.kind });
      }
    }
  }

  closeAll(code: number, reason: string): void {
    for (const streams of [...this.byAccount.values()]) {
      for (const stream of [...streams]) stream.close(code, reason);
    }
  }
}
