import * as v from 'valibot';

/** The one id of the `settings` collection: preferences that travel between devices. */
export const PREFERENCES_ID = 'preferences';

export const PreferencesSchema = v.strictObject({
  theme: v.optional(v.picklist(['system', 'light', 'dark'], 'must be system, light or dark')),
  language: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-BR'),
    ),
  ),
  /** Sync preferences a person wants on every device; each device still decides to apply them. */
  sync: v.optional(
    v.strictObject({
      conflictStrategy: v.optional(v.picklist(['lastWriteWins', 'manual'])),
      intervalSeconds: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(86_400)),
      ),
    }),
  ),
});
