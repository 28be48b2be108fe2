/**
 * Converting between a record's value and the strings in its form. Empty optional inputs become
 * absent fields (the engine's schemas treat "" as a value, e.g. an invalid URL), lists are one
 * item per line, JSON fields are parsed here so a typo is reported next to its field.
 */
import type { CollectionName, FieldValue, RecordValue } from '../../host/contract';
import { COLLECTION_SPECS, type FieldSpec } from './fields';

export type FormStrings = Record<string, string>;

export function toForm(collection: CollectionName, value: RecordValue | null): FormStrings {
  const form: FormStrings = {};
  for (const field of COLLECTION_SPECS[collection].fields) {
    form[field.name] = fieldToString(field, value?.[field.name]);
  }
  return form;
}

function fieldToString(field: FieldSpec, value: FieldValue | undefined): string {
  if (value === undefined || value === null) return '';
  if ((field.kind === 'list' || field.kind === 'references') && Array.isArray(value))
    return value.join('\n');
  if (field.kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

export type Parsed =
  | { ok: true; value: RecordValue }
  | { ok: false; issues: Record<string, string> };

export function fromForm(
  collection: CollectionName,
  form: FormStrings,
  original: RecordValue | null,
): Parsed {
  // Fields the form does not show (added by a newer version) are kept as they were.
  const value: RecordValue = { ...(original ?? {}) };
  const issues: Record<string, string> = {};
  for (const field of COLLECTION_SPECS[collection].fields) {
    const text = form[field.name] ?? '';
    delete value[field.name];
    if (field.kind === 'list' || field.kind === 'references') {
      value[field.name] = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      continue;
    }
    if (text.trim() === '') continue;
    if (field.kind === 'json') {
      try {
        value[field.name] = JSON.parse(text) as FieldValue;
      } catch {
        issues[field.name] = 'This must be JSON, such as {"temperature": 0.2}.';
      }
      continue;
    }
    value[field.name] = field.kind === 'secret' ? text : text.trim();
  }
  return Object.keys(issues).length ? { ok: false, issues } : { ok: true, value };
}

/** The engine's issues (dotted paths) grouped under the form field they belong to. */
export function issuesByField(issues: { path: string; message: string }[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.split('.')[0] || '';
    const detail = issue.path.includes('.') ? `${issue.path.slice(field.length + 1)}: ` : '';
    byField[field] = byField[field]
      ? `${byField[field]}; ${detail}${issue.message}`
      : `${detail}${issue.message}`;
  }
  return byField;
}
