import { useState } from 'preact/hooks';
import type { Bridge, Status } from '../../host/contract';
import { Popup } from '../popup/popup';
import { useStatus } from '../use-bridge';

const STEPS = ['Server', 'Sign in', 'Encryption', 'Done'] as const;

/** Where the person is in the first run, from what the engine says (never from a stored guess). */
function stepOf(status: Status | null): number {
  switch (status?.state.kind) {
    case undefined:
    case 'signedOut':
      return 0;
    case 'signingIn':
      return 1;
    case 'needsKey':
    case 'locked':
      return 2;
    default:
      return 3;
  }
}

/**
 * The first run, in a tab of its own (opened when the extension is installed): where the sync
 * server is, signing in on it, setting up or joining the encryption, and a last page saying what
 * now happens by itself. The steps are the popup's own screens, so the words are the same ones
 * the person will see later in the toolbar.
 */
export function Welcome({ bridge }: { bridge: Bridge }) {
  const { status } = useStatus();
  const [screen, setScreen] = useState('loading');
  // Done only once the new recovery key was confirmed saved: that screen must not be cut short.
  const step = screen === 'recovery-key' ? 2 : stepOf(status);
  const done = step === 3 && screen === 'overview';
  return (
    <div class="welcome stack">
      <header class="stack">
        <h1>Welcome to Satchel</h1>
        <p class="muted">
          Your app settings and API keys, the same on every browser and phone, end-to-end encrypted.
          A few steps and this browser is set up.
        </p>
        <ol class="steps" aria-label="Setup steps">
          {STEPS.map((name, index) => (
            <li
              key={name}
              aria-current={index === step ? 'step' : undefined}
              data-done={index < step ? 'true' : undefined}
            >
              {name}
            </li>
          ))}
        </ol>
      </header>
      {/* Kept mounted when done: the key step may still hand it the recovery key to show. */}
      <div hidden={done}>
        <Popup bridge={bridge} onScreen={setScreen} />
      </div>
      {done && (
        <section class="card stack" aria-labelledby="welcome-done" data-testid="welcome-done">
          <h2 id="welcome-done">You are set up</h2>
          <p>
            This browser now syncs by itself: edits here reach your other devices, theirs arrive
            here, and everything stays on this device when it is offline.
          </p>
          <p class="muted small">
            Pin Satchel to the toolbar to see at a glance whether it is in sync. To add another
            device, connect it to the same server; this one will show a request to approve.
          </p>
          <div class="row">
            <a class="button primary" href="#records">
              Open your settings
            </a>
          </div>
        </section>
      )}
    </div>
  );
}
