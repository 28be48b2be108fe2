import * as v from 'valibot';
import { type FieldIssue, InputError, ValidationError } from '../errors';
import {
  COLLECTIONS,
  type CollectionName,
  isCollectionName,
  type RecordData,
  secretFieldsOf,
} from './index';

/** Plain field map: how the engine handles record data generically (merge, diff, storage). */
export type Fields = Record<string, unknown>;

const RECORD_ID = /^[A-Za-z0-9_-]{1,128}$/;

function pathOf(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item) => String(item.key)).join('.');
}

/**
 * Issue messages name the field and what was expected. For a secret field the message is rebuilt
 * from `expected` only: valibot's default message quotes the received value.
 */
function describeIssue(issue: v.BaseIssue<unknown>, secrets: readonly string[]): FieldIssue {
  const path = pathOf(issue);
  const top = path.split('.')[0] ?? '';
  // valibot words key problems for programmers ("Invalid key: Expected ..."); people see these.
  if (issue.type === 'strict_object' || issue.type === 'object') {
    if (issue.received === 'undefined') return { path, message: 'is required' };
    if (issue.expected === 'never') return { path, message: 'is not a field of this record' };
  }
  if (secrets.includes(top)) {
    const expected = issue.expected ? ` (expected ${issue.expected})` : '';
    return { path, message: `Invalid value${expected}` };
  }
  return { path, message: issue.message };
}

export function assertCollection(collection: unknown): asserts collection is CollectionName {
  if (!isCollectionName(collection)) {
    throw new InputError(
      'unknown_collection',
      `There is no collection named ${JSON.stringify(String(collection)).slice(0, 80)}`,
    );
  }
}

export function assertRecordId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !RECORD_ID.test(id)) {
    throw new ValidationError('A record id must be 1-128 letters, digits, "_" or "-"', [
      { path: '', message: 'invalid record id' },
    ]);
  }
}

/** Validates and normalises a record's data; throws ValidationError listing every bad field. */
export function validateRecord<C extends CollectionName>(
  collection: C,
  id: string,
  data: unknown,
): RecordData<C> {
  const definition = COLLECTIONS[collection];
  const result = v.safeParse(definition.schema as v.GenericSchema, data);
  if (!result.success) {
    const issues = result.issues.map((issue) => describeIssue(issue, secretFieldsOf(collection)));
    const fields = issues.map((issue) => issue.path || '(record)').join(', ');
    throw new ValidationError(`Invalid ${collection} record: ${fields}`, issues);
  }
  const value = result.output as RecordData<C>;
  const natural = definition.naturalId as ((data: RecordData<C>) => string) | null;
  if (natural && natural(value) !== id) {
    throw new ValidationError(
      `A ${collection} record's id must be ${JSON.stringify(natural(value))}`,
      [{ path: '', message: 'record id does not match the data' }],
    );
  }
  return value;
}

/** The id a new record gets: its natural id when the collection has one, else the given id. */
export function naturalIdOf(collection: CollectionName, data: unknown): string | null {
  const natural = COLLECTIONS[collection].naturalId as ((data: unknown) => string) | null;
  if (!natural) return null;
  const result = v.safeParse(COLLECTIONS[collection].schema as v.GenericSchema, data);
  return result.success ? natural(result.output) : null;
}
