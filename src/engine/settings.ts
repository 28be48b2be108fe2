/** Per-device engine settings: they stay on this device (preferences that travel are a collection). */
import * as v from 'valibot';
import { COLLECTION_NAMES, type CollectionName } from './collections';
import { InputError } from './errors';

export type ConflictStrategy = 'lastWriteWins' | 'manual';

export interface EngineSettings {
  conflictStrategy: ConflictStrategy;
  /** Seconds between automatic syncs. */
  intervalSeconds: number;
  /** Off: only "sync now" syncs (edits, interval, online and start-up do not). */
  autoSync: boolean;
  /** Per collection: whether it syncs. A switched-off collection stays local and untouched. */
  collections: Record<CollectionName, boolean>;
  /** A sync that would delete more than this share of either side's records pauses and asks. */
  bulkDeleteShare: number;
  /** ...unless it deletes fewer records than this (deleting 2 of 3 records is not a bulk delete). */
  bulkDeleteMinimum: number;
  /** Hold the live stream, so another device's edit arrives at once (the interval stays too). */
  liveSync: boolean;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  conflictStrategy: 'lastWriteWins',
  intervalSeconds: 300,
  autoSync: true,
  collections: Object.fromEntries(COLLECTION_NAMES.map((name) => [name, true])) as Record<
    CollectionName,
    boolean
  >,
  bulkDeleteShare: 0.5,
  bulkDeleteMinimum: 5,
  liveSync: true,
};

const SettingsPatch = v.strictObject({
  conflictStrategy: v.optional(
    v.picklist(['lastWriteWins', 'manual'], 'must be lastWriteWins or manual'),
  ),
  intervalSeconds: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(30, 'must be at least 30 seconds'),
      v.maxValue(86_400, 'must be at most a day'),
    ),
  ),
  autoSync: v.optional(v.boolean()),
  collections: v.optional(
    v.strictObject(
      Object.fromEntries(COLLECTION_NAMES.map((name) => [name, v.optional(v.boolean())])),
    ),
  ),
  bulkDeleteShare: v.optional(
    v.pipe(
      v.number(),
      v.minValue(0.01, 'must be at least 0.01'),
      v.maxValue(1, 'must be at most 1'),
    ),
  ),
  bulkDeleteMinimum: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1, 'must be at least 1')),
  ),
  liveSync: v.optional(v.boolean()),
});

export type SettingsPatch = Partial<Omit<EngineSettings, 'collections'>> & {
  collections?: Partial<Record<CollectionName, boolean>>;
};

/** Applies a patch to settings, or throws `invalid_settings` naming the bad field. */
export function applySettingsPatch(current: EngineSettings, patch: unknown): EngineSettings {
  const result = v.safeParse(SettingsPatch, patch);
  if (!result.success) {
    const first = result.issues[0];
    const path = (first?.path ?? []).map((item) => String(item.key)).join('.');
    throw new InputError(
      'invalid_settings',
      `Invalid setting ${path || '(settings)'}: ${first?.message ?? 'invalid'}`,
    );
  }
  const { collections, ...rest } = result.output;
  const defined = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  );
  const toggles = Object.fromEntries(
    Object.entries(collections ?? {}).filter(([, value]) => value !== undefined),
  );
  return { ...current, ...defined, collections: { ...current.collections, ...toggles } };
}
