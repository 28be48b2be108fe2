import { useState } from 'preact/hooks';
import { CopyButton } from '../../components/copy-button';

/**
 * The recovery key of a new account, shown this once. Continuing needs an explicit "I have saved
 * it" because without the key a lost device means lost data.
 */
export function RecoveryKey({ recoveryKey, onDone }: { recoveryKey: string; onDone(): void }) {
  const [saved, setSaved] = useState(false);
  return (
    <section class="stack" aria-labelledby="recovery-title">
      <h1 id="recovery-title">Save your recovery key</h1>
      <p>
        This key opens your settings on a new device, and anywhere else if you ever lose the devices
        you use. Satchel shows it <strong>only this once</strong> and cannot recover it for you.
      </p>
      <p class="recovery-key code" data-testid="recovery-key">
        {recoveryKey}
      </p>
      <CopyButton text={recoveryKey} what="key" />
      <label class="switch">
        <span>I have saved my recovery key somewhere safe</span>
        <input
          type="checkbox"
          checked={saved}
          onChange={(e) => setSaved(e.currentTarget.checked)}
        />
      </label>
      <button type="button" class="primary" disabled={!saved} onClick={onDone}>
        Continue
      </button>
    </section>
  );
}
