/**
 * Convention: the pages mask exactly the fields the engine keeps secret (masked in its views,
 * never searched). One list lives in the engine; this holds the UI's field kinds to it.
 */
import { describe, expect, it } from 'vitest';
import { COLLECTION_NAMES, secretFieldsOf, titleFieldOf } from '../../src/engine';
import { COLLECTIONS } from '../../src/host/contract';
import { TITLE_FIELDS } from '../../src/host/record-title';
import { COLLECTION_SPECS } from '../../src/ui/records/fields';

describe('secret fields', () => {
  it.each(COLLECTION_NAMES)(
    '%s: the form marks secret exactly the engine’s secret fields',
    (name) => {
      const marked = COLLECTION_SPECS[name].fields
        .filter((f) => f.kind === 'secret')
        .map((f) => f.name);
      expect(marked.sort()).toEqual([...secretFieldsOf(name)].sort());
    },
  );
});

describe('titles', () => {
  it.each(COLLECTION_NAMES)('%s: lists and conflicts name a record by the same field', (name) => {
    expect(TITLE_FIELDS[name]).toBe(titleFieldOf(name));
  });
});

describe('collections', () => {
  it('the contract lists the engine’s collections, in order', () => {
    expect([...COLLECTIONS]).toEqual(COLLECTION_NAMES);
  });
});
