/**
 * The admin page's shell: checks for a session, shows the sign-in form without one (saying so
 * when a session ended under the person's feet), and otherwise the navigation and the section
 * the address names.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createAdminApi, type Session } from './api';
import { AdminError, ApiContext, type ShownError, useApi } from './kit';
import { asShownError } from './messages';
import { parseRoute, SECTIONS } from './sections';
import { SignIn, takeLinkFromAddress } from './sign-in';

type Phase =
  | { name: 'checking' }
  | { name: 'check-failed'; error: ShownError }
  | { name: 'signed-out'; expired: boolean }
  | { name: 'signed-in'; session: Session };

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return hash;
}

export function AdminApp() {
  const [phase, setPhase] = useState<Phase>({ name: 'checking' });
  // Taken before the session check: an owner already signed in must not keep it on screen either.
  const [opened] = useState(() => ({ link: takeLinkFromAddress() }));
  const takeLink = () => {
    const { link } = opened;
    opened.link = null;
    return link;
  };
  const api = useMemo(
    () =>
      createAdminApi({ onSessionExpired: () => setPhase({ name: 'signed-out', expired: true }) }),
    [],
  );
  const check = () => {
    setPhase({ name: 'checking' });
    api.session().then(
      (session) => {
        // Already signed in: the link is not needed, and no later sign-in form may use it.
        if (session) opened.link = null;
        setPhase(session ? { name: 'signed-in', session } : { name: 'signed-out', expired: false });
      },
      (error: unknown) => setPhase({ name: 'check-failed', error: asShownError(error) }),
    );
  };
  useEffect(check, []);

  return (
    <ApiContext.Provider value={api}>
      <div class="admin">
        {phase.name === 'checking' && (
          <p class="row muted admin-main" role="status">
            <span class="spinner" aria-hidden="true" /> Checking your session…
          </p>
        )}
        {phase.name === 'check-failed' && (
          <main class="admin-main">
            <h1>Satchel admin</h1>
            <AdminError error={phase.error} onRetry={check} />
          </main>
        )}
        {phase.name === 'signed-out' && (
          <SignIn
            expired={phase.expired}
            takeLink={takeLink}
            onSignedIn={(session) => setPhase({ name: 'signed-in', session })}
          />
        )}
        {phase.name === 'signed-in' && (
          <SignedIn
            session={phase.session}
            onSignedOut={() => setPhase({ name: 'signed-out', expired: false })}
          />
        )}
      </div>
    </ApiContext.Provider>
  );
}

function SignedIn({ session, onSignedOut }: { session: Session; onSignedOut(): void }) {
  const hash = useHash();
  const route = parseRoute(hash);
  const [error, setError] = useState<ShownError | null>(null);
  return (
    <>
      <header class="admin-bar">
        <span class="admin-title">Satchel admin</span>
        <SignOut username={session.username} onSignedOut={onSignedOut} onError={setError} />
      </header>
      <nav class="app-nav" aria-label="Admin sections">
        {SECTIONS.map((section) => (
          <a
            key={section.id}
            href={`#${section.id}`}
            aria-current={section === route.section ? 'page' : undefined}
          >
            {section.title}
          </a>
        ))}
      </nav>
      <main class="admin-main">
        <AdminError error={error} onDismiss={() => setError(null)} />
        {route.itemId !== null && route.section.Item ? (
          <route.section.Item key={hash} itemId={route.itemId} />
        ) : (
          <route.section.Screen key={hash} />
        )}
      </main>
    </>
  );
}

function SignOut(props: {
  username: string;
  onSignedOut(): void;
  onError(error: ShownError): void;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const signOut = async () => {
    setBusy(true);
    try {
      await api.signOut();
      props.onSignedOut();
    } catch (error) {
      props.onError(asShownError(error));
      setBusy(false);
    }
  };
  return (
    <div class="row">
      <span class="small muted">
        Signed in as <strong>{props.username}</strong>
      </span>
      <button type="button" onClick={() => void signOut()} disabled={busy}>
        Sign out
      </button>
    </div>
  );
}
