import type { Fields } from '../collections/validate';

/** One side of a merge: a record's data (null when deleted) with its clock stamps. */
export interface Version {
  data: Fields | null;
  /** HLC stamp of the write that produced this version. */
  hlc: string;
  /** HLC stamp of the last change of each field: last-write-wins compares these. */
  clocks: Record<string, string>;
}
