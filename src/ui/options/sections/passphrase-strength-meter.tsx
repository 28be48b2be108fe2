import { useEffect, useState } from 'preact/hooks';
import type { PassphraseEstimate } from '../../../protocol/passphrase-strength';

type Estimator = typeof import('../../../protocol/passphrase-strength');

// The dictionaries are several hundred kB: load them when someone starts typing a passphrase,
// never with the page, and only once.
let estimator: Promise<Estimator> | undefined;
function loadEstimator(): Promise<Estimator> {
  estimator ??= import('../../../protocol/passphrase-strength');
  return estimator;
}

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

/**
 * The same estimate the worker enforces when the passphrase is set (guessable_passphrase below
 * MIN_PASSPHRASE_SCORE), shown while typing.
 */
export function PassphraseStrengthMeter({ passphrase }: { passphrase: string }) {
  const [shown, setShown] = useState<{ estimate: PassphraseEstimate; enough: boolean } | null>(
    null,
  );
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (passphrase.length === 0) return setShown(null);
    let current = true;
    loadEstimator().then(
      ({ estimatePassphrase, MIN_PASSPHRASE_SCORE }) => {
        if (!current) return;
        const estimate = estimatePassphrase(passphrase);
        setShown({ estimate, enough: estimate.score >= MIN_PASSPHRASE_SCORE });
      },
      // The worker still checks on save; say the estimate is missing rather than hide it.
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [passphrase]);
  if (failed) {
    return (
      <p class="small muted" data-testid="passphrase-strength">
        The strength estimate could not load; it is checked when you save.
      </p>
    );
  }
  if (!shown) return null;
  const { estimate, enough } = shown;
  return (
    <div class="small" data-testid="passphrase-strength" aria-live="polite">
      <meter min={0} max={4} low={2} high={3} optimum={4} value={estimate.score} />{' '}
      <span class={enough ? undefined : 'field-error'}>
        Strength: {LABELS[estimate.score]} (about 10^{Math.floor(estimate.guessesLog10)} guesses).
        {estimate.why ? ` ${estimate.why}` : ''}
      </span>
    </div>
  );
}
