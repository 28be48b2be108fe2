import * as v from 'valibot';
import { HttpUrl, Name, RecordRef, ShortText } from './fields';

/** A model configuration a person switches between: which provider, model and key to use. */
export const ProfileSchema = v.strictObject({
  name: Name,
  /** Id of a record in `providers`. It may arrive before that provider syncs, so only its form is checked. */
  provider: RecordRef,
  model: ShortText,
  apiKey: v.optional(v.pipe(v.string(), v.maxLength(4096, 'must be at most 4096 characters'))),
  baseUrl: v.optional(HttpUrl),
  parameters: v.optional(
    v.record(
      v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
      v.union([v.number(), v.string(), v.boolean()], 'must be a number, text or true/false'),
    ),
  ),
  notes: v.optional(v.pipe(v.string(), v.maxLength(10_000, 'must be at most 10,000 characters'))),
});

export const PROFILE_SECRET_FIELDS = ['apiKey'] as const;
