import { useState } from 'preact/hooks';
import { MASK } from '../records/fields';

/** A secret shown as dots until the person asks to reveal it; hiding again is one click. */
export function MaskedValue({ value, label }: { value: string; label: string }) {
  const [revealed, setRevealed] = useState(false);
  if (value === '—') return <span class="value">—</span>;
  return (
    <span class="row">
      <span class="value code" data-masked={revealed ? 'false' : 'true'}>
        {revealed ? value : MASK}
      </span>
      <button
        type="button"
        class="link small"
        aria-pressed={revealed}
        aria-label={`${revealed ? 'Hide' : 'Reveal'} ${label}`}
        onClick={() => setRevealed(!revealed)}
      >
        {revealed ? 'Hide' : 'Reveal'}
      </button>
    </span>
  );
}
