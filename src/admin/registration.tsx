/**
 * Who may create an account: the choice of REGISTRATION, changed from the page. Each mode says
 * what it means for a newcomer, since the names alone do not.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RegistrationMode } from './api';
import { AdminError, type ShownError, useApi } from './kit';
import { asShownError } from './messages';

const MODES: { mode: RegistrationMode; title: string; meaning: string }[] = [
  {
    mode: 'invite',
    title: 'Invite only',
    meaning: 'A new account needs an invite link you made.',
  },
  {
    mode: 'first-user',
    title: 'First account, then invites',
    meaning: 'Anyone could create the first account; every later one needs an invite.',
  },
  {
    mode: 'open',
    title: 'Open',
    meaning: 'Anyone who can reach this server can create an account.',
  },
];

export function Registration(props: { mode: RegistrationMode; onChanged(): void }) {
  const api = useApi();
  const [chosen, setChosen] = useState(props.mode);
  // The overview reloads after a save; the form follows the server's mode but keeps its message.
  useEffect(() => setChosen(props.mode), [props.mode]);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<RegistrationMode | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      await api.setRegistration(chosen);
      setSaved(chosen);
      props.onChanged();
    } catch (failure) {
      setError(asShownError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card stack" onSubmit={(event) => void save(event)}>
      <fieldset class="plain stack">
        <legend>
          <h2>Registration</h2>
        </legend>
        {MODES.map(({ mode, title, meaning }) => (
          <label key={mode} class="option">
            <input
              type="radio"
              name="registration"
              value={mode}
              checked={chosen === mode}
              onChange={() => setChosen(mode)}
            />
            <span>
              <strong>{title}</strong>
              {mode === props.mode && <span class="pill ok">current</span>}
              <br />
              <span class="small muted">{meaning}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <AdminError error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy || chosen === props.mode}>
          Save registration
        </button>
        <span role="status" class="small">
          {saved && `Registration is now “${MODES.find((m) => m.mode === saved)?.title}”.`}
        </span>
      </div>
    </form>
  );
}
