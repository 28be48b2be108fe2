import { useEffect, useState } from 'preact/hooks';
import { ErrorAlert } from '../../components/error-alert';
import { RotationProgressBar } from '../../components/rotation-progress';
import { useRotateKey } from '../../keys/use-rotate-key';
import { RecoveryKey } from '../../popup/screens/recovery-key';
import { useAction, useBridge } from '../../use-bridge';
import { ConnectPrompt } from '../connect-prompt';
import type { SectionProps } from '../section';
import { DeviceLockCard } from './device-lock';
import { PassphraseStrengthMeter } from './passphrase-strength-meter';

const MIN_PASSPHRASE = 12;

/** The account key: its fingerprint to compare across devices, recovery key and passphrase. */
export function Security({ status }: SectionProps) {
  const bridge = useBridge();
  const unlocked =
    status.account !== null &&
    status.state.kind !== 'needsKey' &&
    status.state.kind !== 'signingIn';
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [passphraseError, setPassphraseError] = useState<string | null>(null);
  const [passphraseSaved, setPassphraseSaved] = useState(false);
  // On by default: a passphrase set here also locks this device (unless it has a lock already).
  const [lockWithIt, setLockWithIt] = useState(true);
  const load = useAction();
  const regenerate = useAction();
  const setPass = useAction();
  const rotate = useRotateKey();
  const [newRecoveryKey, setNewRecoveryKey] = useState(false);
  const [rotated, setRotated] = useState(false);
  // A rotation changes the fingerprint: read it again when the account's key changes.
  const currentKey = status.account?.fingerprint;
  useEffect(() => {
    if (unlocked)
      void load.run(async () =>
        setFingerprint((await bridge.call('security.fingerprint')).fingerprint),
      );
  }, [bridge, unlocked, currentKey]);
  if (!unlocked) {
    return (
      <section aria-labelledby="security-title">
        <h1 id="security-title">Security</h1>
        {status.state.kind === 'signedOut' ? (
          <ConnectPrompt what="manage your account key" />
        ) : (
          <p class="muted">Unlock this device to manage your account key.</p>
        )}
      </section>
    );
  }
  if (recoveryKey)
    return <RecoveryKey recoveryKey={recoveryKey} onDone={() => setRecoveryKey(null)} />;
  if (rotate.recoveryKey)
    return <RecoveryKey recoveryKey={rotate.recoveryKey} onDone={rotate.recoveryKeySaved} />;
  return (
    <section class="stack" aria-labelledby="security-title">
      <h1 id="security-title">Security</h1>
      <div class="card">
        <h2>Key fingerprint</h2>
        <p class="small muted">
          The same on every device of your account. If it differs, do not unlock.
        </p>
        <p class="code" data-testid="fingerprint">
          {fingerprint ?? '…'}
        </p>
        <ErrorAlert error={load.error} />
      </div>
      <div class="card stack">
        <h2>Recovery key</h2>
        <p class="small muted">Lost it? Make a new one; the old one stops working.</p>
        <ErrorAlert error={regenerate.error} />
        <button
          type="button"
          disabled={regenerate.busy}
          onClick={() => {
            if (!confirm('Make a new recovery key? The old one will stop working.')) return;
            void regenerate.run(async () =>
              setRecoveryKey((await bridge.call('security.regenerateRecoveryKey')).recoveryKey),
            );
          }}
        >
          Make a new recovery key
        </button>
      </div>
      <div class="card stack">
        <h2>Rotate account key</h2>
        <p class="small muted">
          Makes a new account key and re-encrypts every record with it, so a revoked or lost device
          cannot read anything synced from now on. Your other devices, recovery key and passphrase
          keep working.
        </p>
        <label class="switch">
          <span>Also make a new recovery key (if someone else may have seen it)</span>
          <input
            type="checkbox"
            checked={newRecoveryKey}
            onChange={(e) => setNewRecoveryKey(e.currentTarget.checked)}
          />
        </label>
        <RotationProgressBar rotation={status.rotation} />
        <ErrorAlert error={rotate.action.error} />
        {rotated && !status.rotation && (
          <p class="alert ok" role="status">
            The account key was rotated.
          </p>
        )}
        <button
          type="button"
          data-testid="rotate-key"
          disabled={rotate.action.busy || status.rotation !== null}
          onClick={() =>
            void rotate.rotate({ newRecoveryKey }).then((started) => {
              setRotated(started);
              if (started) setNewRecoveryKey(false);
            })
          }
        >
          {rotate.action.busy || status.rotation ? 'Rotating…' : 'Rotate account key'}
        </button>
      </div>
      <form
        class="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          setPassphraseSaved(false);
          if (passphrase.length < MIN_PASSPHRASE)
            return setPassphraseError(`Use at least ${MIN_PASSPHRASE} characters.`);
          if (passphrase !== confirmation) return setPassphraseError('The two passphrases differ.');
          setPassphraseError(null);
          void setPass.run(async () => {
            await bridge.call('security.setPassphrase', {
              passphrase,
              lock: lockWithIt && !status.lock,
            });
            setPassphrase('');
            setConfirmation('');
            setPassphraseSaved(true);
          });
        }}
      >
        <h2>Passphrase</h2>
        <p class="small muted">
          A passphrase you can type to unlock new devices, as an alternative to the recovery key.
        </p>
        <div class="field">
          <label for="passphrase">New passphrase</label>
          <input
            id="passphrase"
            type="password"
            autoComplete="new-password"
            value={passphrase}
            aria-invalid={passphraseError ? 'true' : undefined}
            aria-describedby="passphrase-error"
            onInput={(e) => setPassphrase(e.currentTarget.value)}
          />
          <PassphraseStrengthMeter passphrase={passphrase} />
        </div>
        <div class="field">
          <label for="passphrase-confirm">Repeat it</label>
          <input
            id="passphrase-confirm"
            type="password"
            autoComplete="new-password"
            value={confirmation}
            onInput={(e) => setConfirmation(e.currentTarget.value)}
          />
          <div id="passphrase-error" class="field-error" role="alert">
            {passphraseError}
          </div>
        </div>
        {!status.lock && (
          <label class="switch">
            <span>Also lock this device with it (after 15 minutes without use)</span>
            <input
              type="checkbox"
              data-testid="passphrase-lock"
              checked={lockWithIt}
              onChange={(e) => setLockWithIt(e.currentTarget.checked)}
            />
          </label>
        )}
        <ErrorAlert error={setPass.error} />
        {passphraseSaved && (
          <p class="alert ok" role="status">
            Passphrase set.
          </p>
        )}
        <button type="submit" disabled={setPass.busy}>
          Set passphrase
        </button>
      </form>
      <DeviceLockCard status={status} />
    </section>
  );
}
