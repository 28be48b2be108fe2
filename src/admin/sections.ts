/**
 * The one place the admin page's screens are registered: each section's address (#id), its name
 * in the navigation, its screen, and the screen for one of its items (#id/item) if it has one.
 */
import type { FunctionComponent } from 'preact';
import { AccountDevices } from './account-devices';
import { Accounts } from './accounts';
import { Audit } from './audit';
import { Invites } from './invites';
import { Overview } from './overview';

export interface Section {
  id: string;
  title: string;
  Screen: FunctionComponent;
  Item?: FunctionComponent<{ itemId: string }>;
}

export const SECTIONS: readonly Section[] = [
  { id: 'overview', title: 'Overview', Screen: Overview },
  { id: 'accounts', title: 'Accounts', Screen: Accounts, Item: AccountDevices },
  { id: 'invites', title: 'Invites', Screen: Invites },
  { id: 'audit', title: 'Audit log', Screen: Audit },
];

export interface Route {
  section: Section;
  itemId: string | null;
}

/** `#accounts/abc` → the accounts section, item abc; anything unknown → the overview. */
export function parseRoute(hash: string): Route {
  const [id = '', item] = hash.replace(/^#/, '').split('/');
  const section = SECTIONS.find((candidate) => candidate.id === id);
  if (!section) return { section: SECTIONS[0] as Section, itemId: null };
  return { section, itemId: section.Item && item ? decodeURIComponent(item) : null };
}
