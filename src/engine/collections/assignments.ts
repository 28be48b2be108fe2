import * as v from 'valibot';
import { RecordRef } from './fields';

/** Which profile is active for one app. The record id is the app id: one record per app. */
export const AssignmentSchema = v.strictObject({
  app: RecordRef,
  profileId: RecordRef,
});
