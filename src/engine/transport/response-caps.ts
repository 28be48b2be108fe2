/**
 * How many bytes the engine reads of each answer, derived from the protocol's own limits: no
 * honest answer is larger, so anything larger is refused unread (see docs/PROTOCOL.md, "Limits").
 */
import type { Limits } from '../../protocol';

/** Every answer without a cap of its own: tokens, info, devices, keys, pairings, problems. */
export const DEFAULT_RESPONSE_CAP = 1024 * 1024;

/** Room for one record's metadata around its payload (ids, fingerprint, dates, field names). */
const RECORD_OVERHEAD = 1024;
/** Room for a page's or batch's own fields (cursor, flags). */
const ENVELOPE_OVERHEAD = 4096;

/**
 * Most bytes a page of the change feed may take before the engine asks for fewer records per
 * page; it bounds what a lying server can make a device hold to a few megabytes.
 */
export const PAGE_BYTE_BUDGET = 8 * 1024 * 1024;

/** The most one record can take in a page or a conflict answer. */
function recordMax(limits: Limits): number {
  return limits.max_payload_bytes + RECORD_OVERHEAD;
}

/**
 * Records per page such that even a page of records at the size limit fits the budget: asked
 * for when a page of `max_changes_limit` small records would not fit.
 */
export function safePageLimit(limits: Limits): number {
  const fits = Math.floor((PAGE_BYTE_BUDGET - ENVELOPE_OVERHEAD) / recordMax(limits));
  return Math.max(1, Math.min(limits.max_changes_limit, fits));
}

/** A page of `limit` records: never more than the budget, unless one record alone is larger. */
export function pageCap(limits: Limits, limit: number): number {
  const worst = limit * recordMax(limits) + ENVELOPE_OVERHEAD;
  return Math.min(worst, Math.max(PAGE_BYTE_BUDGET, recordMax(limits) + ENVELOPE_OVERHEAD));
}

/** A batch answer: each op's result, a conflict carrying the server's current record at most. */
export function batchCap(limits: Limits, ops: number): number {
  return ops * (recordMax(limits) + 256) + ENVELOPE_OVERHEAD;
}
