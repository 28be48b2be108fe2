/**
 * Secret fields (API keys) never leave the engine unmasked unless a caller explicitly asks to
 * reveal them: listings, diffs, history, activity and errors all go through here.
 */
import { type CollectionName, secretFieldsOf } from './collections';
import type { Fields } from './collections/validate';

export const MASK = '••••••••';

export function isSecretField(collection: CollectionName, field: string): boolean {
  return secretFieldsOf(collection).includes(field);
}

export function maskValue(collection: CollectionName, field: string, value: unknown): unknown {
  if (!isSecretField(collection, field) || value === undefined || value === '') return value;
  return MASK;
}

export function maskData<T extends Fields | null>(
  collection: CollectionName,
  data: T,
  reveal = false,
): T {
  if (reveal || data === null) return data;
  const secrets = secretFieldsOf(collection);
  if (secrets.length === 0) return data;
  const masked: Fields = { ...data };
  for (const field of secrets) {
    if (field in masked) masked[field] = maskValue(collection, field, masked[field]);
  }
  return masked as T;
}
