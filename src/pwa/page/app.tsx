import type { Bridge, Status } from '../../host/contract';
import { ErrorAlert } from '../../ui/components/error-alert';
import { Locked } from '../../ui/lock/locked';
import { SECTIONS } from '../../ui/options/sections';
import { Popup } from '../../ui/popup/popup';
import { Conflicts } from '../../ui/popup/screens/conflicts';
import { StatusPill } from '../../ui/popup/status-pill';
import { BridgeContext, useStatus } from '../../ui/use-bridge';
import type { AppUpdate } from '../update/app-update';
import { UpdateBanner } from '../update/update-banner';
import { AppNav } from './app-nav';
import { hashForPopupRoute, type View } from './routes';
import { useHashView } from './use-hash-view';

function Loading() {
  return (
    <p class="row muted" role="status">
      <span class="spinner" aria-hidden="true" /> Loading…
    </p>
  );
}

/** Everything but the status screen needs a status; the status screen handles its own wait. */
function Content({ view, status }: { view: View; status: Status }) {
  // Locked: every page but the unlock form needs the keys (lock/locked.tsx).
  if (status.state.kind === 'locked') {
    return (
      <main class="app-main">
        <Locked status={status} />
      </main>
    );
  }
  if (view.name === 'conflicts') {
    return (
      <main class="app-main">
        <Conflicts
          status={status}
          route={
            view.conflictId ? { name: 'conflict', id: view.conflictId } : { name: 'conflicts' }
          }
          navigate={(route) => location.assign(hashForPopupRoute(route))}
          showRecoveryKey={() => undefined}
        />
      </main>
    );
  }
  const section = view.name === 'section' ? SECTIONS.find((s) => s.id === view.id) : undefined;
  if (!section) return null;
  const View = section.view;
  return (
    <main class="app-main">
      <View status={status} />
    </main>
  );
}

function Layout({ bridge, update }: { bridge: Bridge; update: AppUpdate }) {
  const { status, error } = useStatus();
  const view = useHashView();
  return (
    <div class="app">
      <header class="app-bar">
        <a href="#status" class="app-title">
          <img src={`${import.meta.env.BASE_URL}icon.svg`} alt="" width="28" height="28" />
          Satchel
        </a>
        {/* The status screen shows its own pill; elsewhere the bar keeps the state in sight. */}
        {status && view.name !== 'status' && (
          <StatusPill phase={status.state} pending={status.pendingEdits} />
        )}
      </header>
      <UpdateBanner update={update} />
      <AppNav view={view} status={status} />
      {view.name === 'status' ? (
        <Popup bridge={bridge} />
      ) : status ? (
        <Content view={view} status={status} />
      ) : (
        <main class="app-main">{error ? <ErrorAlert error={error} /> : <Loading />}</main>
      )}
      <footer class="app-footer small muted">
        Satchel app · build <span data-testid="app-build">{__SATCHEL_BUILD__}</span>
      </footer>
    </div>
  );
}

/** The installable app: the shared screens and sections, laid out for phones first. */
export function App({ bridge, update }: { bridge: Bridge; update: AppUpdate }) {
  return (
    <BridgeContext.Provider value={bridge}>
      <Layout bridge={bridge} update={update} />
    </BridgeContext.Provider>
  );
}
