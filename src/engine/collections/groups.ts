import * as v from 'valibot';
import { Name, RecordRef } from './fields';

/** A named set of profiles, e.g. "work" or "cheap models". */
export const GroupSchema = v.strictObject({
  name: Name,
  profileIds: v.pipe(v.array(RecordRef), v.maxLength(1000, 'must hold at most 1000 profiles')),
});
