/**
 * Where the app is, in the URL hash, so the server (or any static host) serves one page for
 * every view and links work offline from the precache: `#records`, `#conflicts/<id>`, `#sync`…
 * `#status`, an empty or an unknown hash is the status screen.
 */
import { SECTIONS } from '../../ui/options/sections';
import type { Route as PopupRoute } from '../../ui/popup/screen';

export type View =
  | { name: 'status' }
  | { name: 'conflicts'; conflictId: string | null }
  | { name: 'section'; id: string };

export function viewFromHash(hash: string): View {
  const [head = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (head === 'conflicts') {
    const id = rest.join('/');
    return { name: 'conflicts', conflictId: id ? decodeURIComponent(id) : null };
  }
  if (SECTIONS.some((s) => s.id === head)) return { name: 'section', id: head };
  return { name: 'status' };
}

/** The hash of a popup screen route, so the shared conflicts screen's links become URLs. */
export function hashForPopupRoute(route: PopupRoute): string {
  if (route.name === 'conflicts') return '#conflicts';
  if (route.name === 'conflict') return `#conflicts/${encodeURIComponent(route.id)}`;
  return '#status';
}
