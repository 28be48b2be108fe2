/** Field schemas shared by several collections. */
import * as v from 'valibot';

/** A reference to another record: the same shape as a record id on the wire. */
export const RecordRef = v.pipe(
  v.string(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(128, 'must be at most 128 characters'),
  v.regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"'),
);

export const Name = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(100, 'must be at most 100 characters'),
);

export const HttpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url('must be a URL such as https://api.example.com'),
  v.regex(/^https?:\/\//i, 'must start with http:// or https://'),
  v.maxLength(2048, 'must be at most 2048 characters'),
);

export const ShortText = v.pipe(v.string(), v.maxLength(200, 'must be at most 200 characters'));
