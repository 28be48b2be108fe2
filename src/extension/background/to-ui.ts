/**
 * The engine's views in the UI's shapes (src/ui/bridge.ts). Pure functions, so the mapping is
 * tested without a browser.
 */
import type { ActivityRow, ConflictView, Device, HistoryView, RecordView } from '../../engine';
import type {
  ActivityEntry,
  CollectionName,
  Conflict,
  DeviceInfo,
  RecordSummary,
  RecordValue,
  Revision,
} from '../../ui/bridge';

export function recordSummary(view: RecordView): RecordSummary {
  return {
    collection: view.collection,
    id: view.id,
    value: view.data as RecordValue,
    pending: view.pending,
    updatedAt: view.updatedAt,
  };
}

/** Conflict ids the UI passes back: collection and record id in one string. */
export function conflictId(collection: CollectionName, id: string): string {
  return `${collection}:${id}`;
}

export function parseConflictId(value: string): { collection: string; id: string } {
  const at = value.indexOf(':');
  return at < 0
    ? { collection: '', id: value }
    : { collection: value.slice(0, at), id: value.slice(at + 1) };
}

function side(
  current: RecordValue,
  view: ConflictView,
  pick: 'base' | 'local' | 'remote',
): RecordValue {
  const value: RecordValue = { ...current };
  for (const diff of view.fields) {
    const field = diff[pick] as RecordValue[string];
    if (field === undefined) delete value[diff.field];
    else value[diff.field] = field;
  }
  return value;
}

/**
 * The engine lists only the fields that differ; the UI shows whole versions. Fields missing from
 * the view are the same on every side, so they are taken from the record as it is here (the
 * local side), or from nothing when this device deleted it.
 */
export function conflictForUi(view: ConflictView, current: RecordValue | null): Conflict {
  const whole = current ?? {};
  const deletedHere = view.kind === 'delete' && view.deletedSide === 'local';
  const deletedThere = view.kind === 'delete' && view.deletedSide === 'remote';
  const base = side(whole, view, 'base');
  return {
    id: conflictId(view.collection, view.id),
    collection: view.collection,
    recordId: view.id,
    base: Object.keys(base).length === 0 ? null : base,
    local: deletedHere ? null : side(whole, view, 'local'),
    remote: deletedThere ? null : side(whole, view, 'remote'),
    detectedAt: view.detectedAt,
  };
}

const SYNCED_SOURCES = new Set(['remote', 'merge']);

export function revision(view: HistoryView): Revision {
  return {
    id: String(view.seq),
    at: view.at,
    value: view.data as RecordValue | null,
    // `replacedBy` says what came after this value; a value replaced by a sync arrived earlier here.
    source: SYNCED_SOURCES.has(view.replacedBy) ? 'remote' : 'local',
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
    error: row.errorCode ? { code: row.errorCode, message: row.message ?? row.errorCode } : null,
  };
}

export function deviceInfo(device: Device): DeviceInfo {
  return {
    id: device.id,
    name: device.name,
    platform: device.platform,
    createdAt: device.created_at,
    lastSeenAt: device.last_seen_at,
    current: device.current,
  };
}

/** Case-insensitive search over a record's visible text; secret fields are never searched. */
export function matchesQuery(
  value: RecordValue,
  query: string | undefined,
  secret: (field: string) => boolean,
): boolean {
  const needle = query?.trim().toLowerCase();
  if (!needle) return true;
  return Object.entries(value).some(
    ([field, v]) =>
      !secret(field) && v !== undefined && JSON.stringify(v).toLowerCase().includes(needle),
  );
}
