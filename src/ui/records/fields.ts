/**
 * How each collection's fields are shown and edited. The engine owns the schemas and validates
 * every save (its messages are shown next to the fields); this file only decides labels, input
 * widgets, which field names a record in a list, and which fields are masked.
 */
import type { CollectionName, FieldValue, RecordValue } from '../../host/contract';

export type FieldKind =
  | 'text'
  | 'url'
  | 'secret'
  | 'textarea'
  | 'list'
  | 'json'
  | 'select'
  /** The id of one record of `ref`, picked from a list of them by name. */
  | 'reference'
  /** Ids of records of `ref`, ticked in a list of them. */
  | 'references';

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  /** For `select`: the allowed values. */
  options?: string[];
  /** For `reference(s)`: the collection picked from. */
  ref?: CollectionName;
  /** For `reference`: any id may be typed, and one not there yet can be added from the form. */
  create?: boolean;
  /** For `text`: suggest the values this field has in the collection's other records. */
  suggest?: boolean;
}

export interface CollectionSpec {
  label: string;
  singular: string;
  fields: FieldSpec[];
}

export const COLLECTION_SPECS: Record<CollectionName, CollectionSpec> = {
  profiles: {
    label: 'Profiles',
    singular: 'profile',
    fields: [
      { name: 'name', label: 'Name', kind: 'text' },
      { name: 'provider', label: 'Provider', kind: 'reference', ref: 'providers', create: true },
      { name: 'model', label: 'Model', kind: 'text' },
      { name: 'apiKey', label: 'API key', kind: 'secret' },
      { name: 'baseUrl', label: 'Base URL', kind: 'url' },
      {
        name: 'parameters',
        label: 'Parameters',
        kind: 'json',
        hint: 'JSON, e.g. {"temperature": 0.2}',
      },
      { name: 'notes', label: 'Notes', kind: 'textarea' },
    ],
  },
  providers: {
    label: 'Providers',
    singular: 'provider',
    fields: [
      { name: 'name', label: 'Name', kind: 'text' },
      { name: 'baseUrl', label: 'Base URL', kind: 'url' },
      { name: 'models', label: 'Models', kind: 'list', hint: 'One per line' },
      { name: 'authHeader', label: 'Auth header name', kind: 'text', hint: 'e.g. Authorization' },
    ],
  },
  groups: {
    label: 'Groups',
    singular: 'group',
    fields: [
      { name: 'name', label: 'Name', kind: 'text' },
      { name: 'profileIds', label: 'Profiles', kind: 'references', ref: 'profiles' },
    ],
  },
  assignments: {
    label: 'Assignments',
    singular: 'assignment',
    fields: [
      {
        name: 'app',
        label: 'App',
        kind: 'text',
        hint: 'The app this profile is for: letters, digits, "_" and "-"',
        suggest: true,
      },
      { name: 'profileId', label: 'Profile', kind: 'reference', ref: 'profiles' },
    ],
  },
  settings: {
    label: 'Preferences',
    singular: 'preferences',
    fields: [
      { name: 'theme', label: 'Theme', kind: 'select', options: ['', 'system', 'light', 'dark'] },
      {
        name: 'language',
        label: 'Language',
        kind: 'text',
        hint: 'A language tag such as en or pt-BR',
      },
      {
        name: 'sync',
        label: 'Sync preferences',
        kind: 'json',
        hint: 'JSON, e.g. {"conflictStrategy": "manual"}',
      },
    ],
  },
};

/** What a person calls a field ("API key"), or its id when the collection does not name it. */
export function fieldLabel(collection: CollectionName, field: string): string {
  return COLLECTION_SPECS[collection].fields.find((f) => f.name === field)?.label ?? field;
}

export function isSecret(collection: CollectionName, field: string): boolean {
  return COLLECTION_SPECS[collection].fields.some((f) => f.name === field && f.kind === 'secret');
}

export { recordTitle } from '../../host/record-title';

/** A field value as one line of text, for lists and diffs. */
export function displayValue(value: FieldValue | undefined): string {
  if (value === undefined || value === null || value === '') return '—';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Secret values are shown as dots of a fixed length so the mask leaks nothing about length. */
export const MASK = '••••••••';

/**
 * The second line of a record in a list: what tells two profiles apart at a glance (provider,
 * model, whether a key is set; never the key), what an assignment points at. `nameOf` gives a
 * referenced record's title when this device has it.
 */
export function summaryLine(
  collection: CollectionName,
  value: RecordValue,
  nameOf: (collection: CollectionName, id: string) => string | undefined,
): string {
  const text = (v: FieldValue | undefined) => (typeof v === 'string' ? v : '');
  switch (collection) {
    case 'profiles': {
      const provider = text(value.provider);
      return [
        nameOf('providers', provider) ?? provider,
        text(value.model),
        value.apiKey ? `key ${MASK}` : 'no key',
      ]
        .filter(Boolean)
        .join(' · ');
    }
    case 'providers': {
      const models = Array.isArray(value.models) ? value.models.length : 0;
      return [text(value.baseUrl), models ? `${models} model${models === 1 ? '' : 's'}` : '']
        .filter(Boolean)
        .join(' · ');
    }
    case 'groups': {
      const count = Array.isArray(value.profileIds) ? value.profileIds.length : 0;
      return `${count} profile${count === 1 ? '' : 's'}`;
    }
    case 'assignments': {
      const id = text(value.profileId);
      return id ? `uses ${nameOf('profiles', id) ?? id}` : '';
    }
    default:
      return '';
  }
}
