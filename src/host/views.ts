/**
 * The engine's views in the contract's shapes (./contract.ts) where the two differ; conflicts and
 * status pass through as the engine made them. Pure functions, tested without a browser.
 */
import {
  type ActivityRow,
  type HistoryView,
  type ListedDevice,
  namingOf,
  type RecordView,
} from '../engine';
import type { ActivityEntry, DeviceInfo, RecordSummary, RecordValue, Revision } from './contract';

export function recordSummary(view: RecordView): RecordSummary {
  return {
    collection: view.collection,
    id: view.id,
    value: view.data as RecordValue,
    pending: view.pending,
    updatedAt: view.updatedAt,
  };
}

export function revision(view: HistoryView): Revision {
  return {
    id: String(view.seq),
    at: view.at,
    value: view.data as RecordValue | null,
    // Who wrote the value itself, not what replaced it.
    source: view.byThisDevice ? 'local' : 'remote',
  };
}

export function activityEntry(row: ActivityRow): ActivityEntry {
  return {
    id: String(row.seq ?? row.startedAt),
    startedAt: row.startedAt,
    durationMs: row.durationMs,
    trigger: row.trigger,
    pulled: row.pulled,
    pushed: row.pushed,
    conflicts: row.conflicts,
    replaced: row.replaced ?? 0,
    error: row.errorCode ? { code: row.errorCode, message: row.message ?? row.errorCode } : null,
  };
}

export function deviceInfo(device: ListedDevice): DeviceInfo {
  const naming = namingOf(device.verifiedName, device.name);
  return {
    id: device.id,
    name: naming.name ?? device.name,
    nameVerified: naming.nameVerified,
    serverName: naming.serverName,
    platform: device.platform,
    createdAt: device.created_at,
    lastSeenAt: device.last_seen_at,
    current: device.current,
  };
}

/** The text a search looks in: every non-secret field as JSON, lower-cased; no match spans two. */
export function searchText(value: RecordValue, secret: (field: string) => boolean): string {
  return Object.entries(value)
    .filter(([field, v]) => v !== undefined && !secret(field))
    .map(([, v]) => JSON.stringify(v).toLowerCase())
    .join('\u0000');
}

/**
 * Case-insensitive search over a record's visible text; secret fields (the engine's
 * `secretFieldsOf`, e.g. an API key) are never searched, so a query cannot probe a secret.
 */
export function matchesQuery(
  value: RecordValue,
  query: string | undefined,
  secret: (field: string) => boolean,
): boolean {
  const needle = query?.trim().toLowerCase();
  return !needle || searchText(value, secret).includes(needle);
}
