import type { Conflict } from '../../host/contract';
import { timeAgo } from '../format';
import { conflictKey, conflictTitle } from './field-diff';

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
        <li key={conflictKey(c)} class="row spread">
          <span>
            <strong>{conflictTitle(c)}</strong>
            <br />
            <span class="small muted">
              {c.collection} · {c.deletedSide === 'local' ? 'deleted here, ' : ''}
              {c.deletedSide === 'remote' ? 'deleted elsewhere, ' : ''}found {timeAgo(c.detectedAt)}
            </span>
          </span>
          <button type="button" onClick={() => onOpen(conflictKey(c))}>
            Resolve
          </button>
        </li>
      ))}
    </ul>
  );
}
