import { useState } from 'preact/hooks';
import type { PairingInfo } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { useAction, useBridge } from '../use-bridge';
import { TimeLeft } from './time-left';

/**
 * The existing device asks for the code the new one shows instead of showing its own, so the
 * person has to read it there: a click-through cannot approve a device in the middle. The
 * engine compares it in constant time and ends the pairing after a few wrong ones.
 */
export function TypeCodeForm({
  pairing,
  name,
  givesKey,
  onDeny,
}: {
  pairing: PairingInfo;
  name: string;
  givesKey: string;
  onDeny(): void;
}) {
  const bridge = useBridge();
  const action = useAction();
  const [code, setCode] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      await bridge.call('pairing.approve', { code });
      setCode('');
    });
  };
  const left = pairing.triesLeft;
  return (
    <form class="card stack" aria-labelledby="pairing-type-title" onSubmit={submit}>
      <h2 id="pairing-type-title">Type the code {name} shows</h2>
      <p class="small">{givesKey}</p>
      <div class="field">
        <label for="pairing-code-input">Code shown on {name}</label>
        <input
          id="pairing-code-input"
          data-testid="pairing-code-input"
          type="text"
          class="code"
          inputMode="numeric"
          autoComplete="off"
          spellcheck={false}
          maxLength={16}
          value={code}
          aria-invalid={action.error ? 'true' : undefined}
          aria-describedby={action.error ? 'pairing-code-error' : 'pairing-code-hint'}
          onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)}
        />
        <p id="pairing-code-hint" class="small muted">
          Six digits.{' '}
          {left !== undefined && left < 3 ? `${left} ${left === 1 ? 'try' : 'tries'} left.` : ''}
        </p>
      </div>
      <div id="pairing-code-error">
        <ErrorAlert error={action.error} />
      </div>
      <TimeLeft expiresAt={pairing.expiresAt} />
      <div class="row">
        <button
          type="submit"
          class="primary"
          data-testid="pairing-approve"
          disabled={action.busy || !code.trim()}
        >
          {action.busy ? 'Checking…' : 'Check code and approve'}
        </button>
        <button type="button" data-testid="pairing-deny" disabled={action.busy} onClick={onDeny}>
          Deny
        </button>
      </div>
    </form>
  );
}
