/**
 * The limits a server advertises in `/v1/info` steer how the engine pages, batches and bounds
 * what it reads, and they are stored: a hostile value (pages of 0 records, payloads of 1 byte)
 * would wedge every sync for good. Each must lie within what a Satchel server can be configured
 * to (src/server/config-options.ts), tightened where a smaller value leaves nothing syncable.
 */
import type { Limits } from '../../protocol';
import { NetworkError } from '../errors';

const MIB = 1024 * 1024;

export const LIMIT_BOUNDS: Record<keyof Limits, readonly [floor: number, ceiling: number]> = {
  // A sealed envelope alone takes about 100 characters; below 1 KiB hardly a record fits.
  max_payload_bytes: [1024, 16 * MIB],
  max_batch_ops: [1, 10_000],
  max_batch_bytes: [1024, 256 * MIB],
  max_body_bytes: [1024, 512 * MIB],
  max_changes_limit: [1, 100_000],
};

/** The limits as they are, or `limits_invalid` naming the first one out of bounds. */
export function checkLimits(limits: Limits): Limits {
  for (const [name, [floor, ceiling]] of Object.entries(LIMIT_BOUNDS)) {
    const value = limits[name as keyof Limits];
    if (!Number.isInteger(value) || value < floor || value > ceiling) {
      throw new NetworkError(
        'limits_invalid',
        `The server advertises ${name} = ${value}; a Satchel server uses ${floor} to ${ceiling}`,
      );
    }
  }
  return limits;
}

/** Stored limits that no longer pass (written by an older version) give way to the defaults. */
export function saneLimits(stored: Limits | undefined, defaults: Limits): Limits {
  if (!stored) return { ...defaults };
  try {
    return checkLimits(stored);
  } catch {
    return { ...defaults };
  }
}
