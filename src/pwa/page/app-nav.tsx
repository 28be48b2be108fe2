import type { Status } from '../../host/contract';
import type { View } from './routes';

/** Short labels: eight links share a phone's width, on two rows when one does not hold them. */
const LINKS = [
  { hash: '#status', label: 'Status', current: (v: View) => v.name === 'status' },
  { hash: '#records', label: 'Records', current: (v: View) => isSection(v, 'records') },
  { hash: '#conflicts', label: 'Conflicts', current: (v: View) => v.name === 'conflicts' },
  { hash: '#sync', label: 'Sync', current: (v: View) => isSection(v, 'sync') },
  { hash: '#devices', label: 'Devices', current: (v: View) => isSection(v, 'devices') },
  { hash: '#security', label: 'Security', current: (v: View) => isSection(v, 'security') },
  { hash: '#activity', label: 'Activity', current: (v: View) => isSection(v, 'activity') },
  { hash: '#backup', label: 'Backup', current: (v: View) => isSection(v, 'backup') },
];

function isSection(view: View, id: string): boolean {
  return view.name === 'section' && view.id === id;
}

export function AppNav({ view, status }: { view: View; status: Status | null }) {
  const conflicts = status?.conflicts ?? 0;
  return (
    <nav class="app-nav" aria-label="Satchel">
      {LINKS.map((link) => (
        <a key={link.hash} href={link.hash} aria-current={link.current(view) ? 'page' : undefined}>
          {link.label}
          {link.hash === '#conflicts' && conflicts > 0 && (
            <>
              <span class="badge" aria-hidden="true">
                {conflicts}
              </span>
              <span class="sr-only">, {conflicts} to resolve</span>
            </>
          )}
        </a>
      ))}
    </nav>
  );
}
