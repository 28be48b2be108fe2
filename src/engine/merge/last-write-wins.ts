/**
 * The default strategy: a true conflict is settled per field by hybrid logical clock, so the
 * later edit wins whatever the wall clocks said; stamps end in the device id, which breaks ties.
 */
import { maxHlc } from '../clock/hlc';
import type { Fields } from '../collections/validate';
import type { MergeOutcome } from './three-way';
import { lastChange, type Version } from './version';

export interface Settled {
  data: Fields | null;
  clocks: Record<string, string>;
}

export function settleLastWriteWins(
  outcome: MergeOutcome,
  local: Version,
  remote: Version,
): Settled {
  switch (outcome.kind) {
    case 'clean':
      return { data: outcome.data, clocks: outcome.clocks };
    case 'delete': {
      const deleted = outcome.deletedSide === 'local' ? local : remote;
      const edited = outcome.deletedSide === 'local' ? remote : local;
      const deleteWins = lastChange(deleted) > lastChange(edited);
      return deleteWins
        ? { data: null, clocks: { ...deleted.clocks } }
        : { data: edited.data, clocks: { ...edited.clocks } };
    }
    case 'fields': {
      const data: Fields = { ...outcome.merged };
      const clocks = { ...outcome.clocks };
      for (const field of outcome.fields) {
        const localClock = local.clocks[field] ?? local.hlc;
        const remoteClock = remote.clocks[field] ?? remote.hlc;
        const winner = localClock > remoteClock ? local : remote;
        const value = winner.data?.[field];
        if (value === undefined) delete data[field];
        else data[field] = value;
        clocks[field] = maxHlc(localClock, remoteClock);
      }
      return { data, clocks };
    }
  }
}
