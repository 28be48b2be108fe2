/**
 * Signing in as the server's owner: username and password, or a one-time sign-in link (the page
 * opened as /admin/?link=...), used at once and taken out of the address bar and history first,
 * so it is neither left on screen nor sent again by a reload.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import type { Session, SignInWith } from './api';
import { AdminError, type ShownError, useApi, useFocusOnShow } from './kit';
import { asShownError } from './messages';

/** Called once as the page starts, signed in or not: the link never stays in the address. */
export function takeLinkFromAddress(): string | null {
  const url = new URL(location.href);
  const link = url.searchParams.get('link');
  if (link === null) return null;
  url.searchParams.delete('link');
  history.replaceState(history.state, '', url);
  return link;
}

export function SignIn(props: {
  expired: boolean;
  /** The sign-in link the page was opened with, handed out once (null after, or without one). */
  takeLink(): string | null;
  onSignedIn(session: Session): void;
}) {
  const api = useApi();
  const [link] = useState(props.takeLink);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(link !== null);
  const [error, setError] = useState<ShownError | null>(null);
  const heading = useFocusOnShow<HTMLHeadingElement>();
  const ids = { user: useId(), password: useId() };

  const signIn = async (credentials: SignInWith) => {
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await api.signIn(credentials));
    } catch (failure) {
      setError(asShownError(failure));
      setBusy(false);
    }
  };
  useEffect(() => {
    if (link !== null) void signIn({ link });
  }, []);

  return (
    <main class="admin-main admin-sign-in">
      <form
        class="card stack"
        aria-labelledby="sign-in-title"
        onSubmit={(event) => {
          event.preventDefault();
          void signIn({ username, password });
        }}
      >
        <h1 id="sign-in-title" ref={heading} tabIndex={-1}>
          Sign in to Satchel admin
        </h1>
        {props.expired && (
          <div class="alert warn" role="alert" data-code="session_expired">
            <p>
              Your admin session ended (it expired, or you signed out elsewhere). Sign in again.
            </p>
          </div>
        )}
        <p class="muted">Only the owner of this sync server can sign in here.</p>
        {link !== null && busy && (
          <p class="row muted" role="status">
            <span class="spinner" aria-hidden="true" /> Signing in with your link…
          </p>
        )}
        <AdminError error={error} />
        <div class="field">
          <label for={ids.user}>Username</label>
          <input
            id={ids.user}
            name="username"
            autocomplete="username"
            autocapitalize="off"
            required
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={ids.password}>Password</label>
          <input
            id={ids.password}
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy && <span class="spinner" aria-hidden="true" />}
          Sign in
        </button>
      </form>
    </main>
  );
}
