/**
 * Every popup screen, in priority order: the first whose `when` matches the status is shown.
 * Adding a screen means adding a file and one line here.
 */
import type { Screen } from './screen';
import { BulkDelete } from './screens/bulk-delete';
import { Conflicts } from './screens/conflicts';
import { FirstJoin } from './screens/first-join';
import { KeyCheck } from './screens/key-check';
import { KeySetup } from './screens/key-setup';
import { Overview } from './screens/overview';
import { SignedOut } from './screens/signed-out';
import { SigningIn } from './screens/signing-in';
import { Unlock } from './screens/unlock';

export const SCREENS: Screen[] = [
  { id: 'signing-in', when: (s) => s.state.kind === 'signingIn', view: SigningIn },
  {
    id: 'key-setup',
    when: (s) => s.state.kind === 'needsKey' && s.state.mode === 'create',
    view: KeySetup,
  },
  {
    id: 'unlock',
    when: (s) => s.state.kind === 'needsKey' && s.state.mode === 'unlock',
    view: Unlock,
  },
  { id: 'key-check', when: (s) => s.state.kind === 'needsKey', view: KeyCheck },
  { id: 'signed-out', when: (s) => s.state.kind === 'signedOut', view: SignedOut },
  { id: 'first-join', when: (s) => s.decision?.kind === 'firstJoin', view: FirstJoin },
  { id: 'bulk-delete', when: (s) => s.decision?.kind === 'bulkDelete', view: BulkDelete },
  { id: 'conflicts', when: (_, r) => r.name !== 'home', view: Conflicts },
  { id: 'overview', when: () => true, view: Overview },
];
