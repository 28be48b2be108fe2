import type { Conflict } from '../bridge';
import { timeAgo } from '../format';
import { recordTitle } from '../records/fields';

export function ConflictList({
  conflicts,
  onOpen,
}: {
  conflicts: Conflict[];
  onOpen(id: string): void;
}) {
  if (conflicts.length === 0) return <p class="muted">No conflicts. Everything is in agreement.</p>;
  return (
    <ul class="list" aria-label="Conflicts">
      {conflicts.map((c) => (
        <li key={c.id} class="row spread">
          <span>
            <strong>{recordTitle(c.collection, c.local ?? c.remote ?? c.base, c.recordId)}</strong>
            <br />
            <span class="small muted">
              {c.collection} · {c.local === null ? 'deleted here, ' : ''}
              {c.remote === null ? 'deleted elsewhere, ' : ''}found {timeAgo(c.detectedAt)}
            </span>
          </span>
          <button type="button" onClick={() => onOpen(c.id)}>
            Resolve
          </button>
        </li>
      ))}
    </ul>
  );
}
