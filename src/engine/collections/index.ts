/**
 * The built-in collections: each with its schema, its secret fields (never logged, masked in
 * listings and diffs until revealed), the field that names a record to a person (its title in
 * lists and conflicts) and, for collections keyed by something natural, how the record id follows
 * from the data.
 */
import type * as v from 'valibot';
import { AssignmentSchema } from './assignments';
import { GroupSchema } from './groups';
import { PREFERENCES_ID, PreferencesSchema } from './preferences';
import { PROFILE_SECRET_FIELDS, ProfileSchema } from './profiles';
import { ProviderSchema } from './providers';

export const COLLECTIONS = {
  profiles: {
    schema: ProfileSchema,
    secretFields: PROFILE_SECRET_FIELDS,
    titleField: 'name',
    naturalId: null,
  },
  providers: { schema: ProviderSchema, secretFields: [], titleField: 'name', naturalId: null },
  groups: { schema: GroupSchema, secretFields: [], titleField: 'name', naturalId: null },
  assignments: {
    schema: AssignmentSchema,
    secretFields: [],
    titleField: 'app',
    naturalId: (data: v.InferOutput<typeof AssignmentSchema>) => data.app,
  },
  settings: {
    schema: PreferencesSchema,
    secretFields: [],
    titleField: null,
    naturalId: () => PREFERENCES_ID,
  },
} as const;

export type CollectionName = keyof typeof COLLECTIONS;

export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as CollectionName[];

/** A record's data as stored (after trimming and other normalisation). */
export type RecordData<C extends CollectionName> = v.InferOutput<(typeof COLLECTIONS)[C]['schema']>;

/** What a caller may pass when creating or replacing a record. */
export type RecordInput<C extends CollectionName> = v.InferInput<(typeof COLLECTIONS)[C]['schema']>;

export type Profile = RecordData<'profiles'>;
export type Provider = RecordData<'providers'>;
export type Group = RecordData<'groups'>;
export type Assignment = RecordData<'assignments'>;
export type Preferences = RecordData<'settings'>;

export function isCollectionName(name: unknown): name is CollectionName {
  return typeof name === 'string' && Object.hasOwn(COLLECTIONS, name);
}

export function secretFieldsOf(collection: CollectionName): readonly string[] {
  return COLLECTIONS[collection].secretFields;
}

/** The field that names a record to a person, or null when the collection holds one record. */
export function titleFieldOf(collection: CollectionName): string | null {
  return COLLECTIONS[collection].titleField;
}

export { PREFERENCES_ID };
