/**
 * Every popup screen, in priority order: the first whose `when` matches the status is shown.
 * Adding a screen means adding a file and one line here.
 */
import { pairingFailure } from '../pairing/pairing-failure';
import type { Screen } from './screen';
import { ApproveDevice } from './screens/approve-device';
import { BulkDelete } from './screens/bulk-delete';
import { Conflicts } from './screens/conflicts';
import { FirstJoin } from './screens/first-join';
import { JoinByApproval } from './screens/join-by-approval';
import { KeyCheck } from './screens/key-check';
import { KeySetup } from './screens/key-setup';
import { Locked } from './screens/locked';
import { Overview } from './screens/overview';
import { SignedOut } from './screens/signed-out';
import { SigningIn } from './screens/signing-in';
import { Unlock } from './screens/unlock';

export const SCREENS: Screen[] = [
  // Before all else: while locked nothing else can work.
  { id: 'locked', when: (s) => s.state.kind === 'locked', view: Locked },
  { id: 'signing-in', when: (s) => s.state.kind === 'signingIn', view: SigningIn },
  {
    id: 'key-setup',
    when: (s) => s.state.kind === 'needsKey' && s.state.mode === 'create',
    view: KeySetup,
  },
  {
    // Also after a failed pairing, so its reason shows next to "Try again".
    id: 'pairing-new',
    when: (s) =>
      s.state.kind === 'needsKey' &&
      (s.pairing?.role === 'new' || pairingFailure(s.lastError) !== null),
    view: JoinByApproval,
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
  {
    // A review under way always shows; waiting requests until the person says "Not now".
    id: 'pairing-requests',
    when: (s, r) =>
      s.pairing?.role === 'existing' ||
      (s.pairingRequests > 0 && r.name === 'home' && !r.joinLater),
    view: ApproveDevice,
  },
  { id: 'conflicts', when: (_, r) => r.name !== 'home', view: Conflicts },
  { id: 'overview', when: () => true, view: Overview },
];
