/** What a sealed record carries inside: its data plus the clock stamps the merge needs. */
import * as v from 'valibot';
import { isHlc } from '../clock/hlc';

const Stamp = v.custom<string>(isHlc, 'must be a clock stamp');

export const RecordPlaintext = v.strictObject({
  v: v.literal(1),
  /** null for a tombstone (deletions are sealed too). */
  data: v.nullable(v.record(v.string(), v.unknown())),
  hlc: Stamp,
  device: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  clocks: v.record(v.string(), Stamp),
});

export type RecordPlaintext = v.InferOutput<typeof RecordPlaintext>;
