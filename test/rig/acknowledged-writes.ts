/**
 * The "nothing vanished" half of the convergence property: every edit an engine acknowledged
 * (its command resolved, so it was durably committed locally) must, once all engines have
 * converged, be present, or have been superseded by a later acknowledged change (a later
 * hybrid-logical-clock stamp writing the same field, or deleting the record).
 *
 * Tests give each written value a unique content, so "present" is an exact comparison and a
 * value can never come back by coincidence.
 */
import { compareHlc } from '../../src/engine/clock/hlc';

export interface AcknowledgedWrite {
  device: string;
  id: string;
  /** The stamp the engine gave the change (or the latest it can be; see `after`). */
  hlc: string;
  /**
   * Set when the stamp is known only as a range: the change's stamp is later than this and no
   * later than `hlc`. A device's own sync running beside the change (a restarted worker syncs by
   * itself) moves its clock on between the change and the moment the test reads it.
   */
  after?: string;
  /** The fields the change set (all of them for a create); null for a delete. */
  fields: Record<string, unknown> | null;
}

/** How a conflict's side is noted for `vanishedWrites`: a field's value, or a delete. */
export function valueKey(id: string, field: string, value: unknown): string {
  return `${id}.${field}=${JSON.stringify(value)}`;
}

export function deletedKey(id: string): string {
  return `${id}:deleted`;
}

/** Whether `write` is, or may be, later than `than`. */
function later(write: AcknowledgedWrite, than: AcknowledgedWrite): boolean {
  return compareHlc(write.hlc, than.after ?? than.hlc) > 0;
}

/**
 * What vanished, one line per lost change (empty when nothing did).
 * @param final each record's converged data by id (absent or null: deleted)
 * @param inConflict changes that sat in a conflict a person settled (`valueKey`, `deletedKey`):
 *   whichever side the person kept, the other did not vanish unseen
 */
export function vanishedWrites(
  writes: readonly AcknowledgedWrite[],
  final: ReadonlyMap<string, Record<string, unknown> | null>,
  inConflict: ReadonlySet<string> = new Set(),
): string[] {
  const problems: string[] = [];
  const byRecord = new Map<string, AcknowledgedWrite[]>();
  for (const write of writes) {
    const list = byRecord.get(write.id) ?? [];
    list.push(write);
    byRecord.set(write.id, list);
  }
  for (const [id, list] of byRecord) {
    const data = final.get(id) ?? null;
    for (const write of list) {
      // A field is superseded by a later write of it or a later delete; a delete, by any later
      // change (an edit made after a delete brings the record back).
      const superseded = (field?: string) =>
        list.some(
          (other) =>
            later(other, write) &&
            (field === undefined || other.fields === null || field in other.fields),
        );
      if (write.fields === null) {
        if (data !== null && !superseded() && !inConflict.has(deletedKey(id)))
          problems.push(`delete of ${id} by ${write.device} at ${write.hlc} was undone`);
        continue;
      }
      for (const [field, value] of Object.entries(write.fields)) {
        const present = data !== null && JSON.stringify(data[field]) === JSON.stringify(value);
        const settled = inConflict.has(valueKey(id, field, value));
        if (!present && !superseded(field) && !settled) {
          problems.push(
            `${id}.${field} = ${JSON.stringify(value)} by ${write.device} at ${write.hlc} vanished ` +
              `(final: ${data === null ? 'deleted' : JSON.stringify(data[field])})`,
          );
        }
      }
    }
  }
  return problems;
}
