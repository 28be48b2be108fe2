import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { RecordValue } from '../../host/contract';
import { type ClearOutcome, copySecret } from '../components/clipboard';
import { type CopyFormat, copyAs, curlBase, profileForCopy } from './copy-as';

const FORMATS: { format: CopyFormat; label: string }[] = [
  { format: 'env', label: 'Environment variables' },
  { format: 'json', label: 'JSON' },
  { format: 'curl', label: 'curl command' },
];

const CLEARED: Record<ClearOutcome, string | null> = {
  cleared: 'Cleared from the clipboard.',
  replaced: null,
  refused: 'This browser did not let Satchel clear the clipboard: clear it yourself if needed.',
};

/**
 * Using a profile without opening it: its API key, or the whole profile as environment lines,
 * JSON or a curl call, on the clipboard (taken back after a minute where the browser allows).
 */
export function CopyMenu({
  name,
  value,
  provider,
}: {
  name: string;
  value: RecordValue;
  /** The profile's provider record, when it is in Providers. */
  provider?: RecordValue | undefined;
}) {
  const [said, setSaid] = useState<string | null>(null);
  const curlHintId = useId();
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const profile = profileForCopy(value, provider as { name?: string; baseUrl?: string });
  const noCurl = curlBase(profile) === null;
  const copy = async (what: string, text: string) => {
    try {
      const { cleared } = await copySecret(text);
      setSaid(`${what} copied. It is cleared from the clipboard in a minute if this stays open.`);
      const outcome = await cleared;
      if (mounted.current && CLEARED[outcome]) setSaid(CLEARED[outcome]);
    } catch {
      setSaid('Copying was refused by the browser: open the profile and copy the key by hand.');
    }
  };
  return (
    <div class="stack" data-testid="copy-menu">
      <div class="row">
        <button
          type="button"
          disabled={!profile.apiKey}
          aria-label={`Copy API key of ${name}`}
          onClick={() => void copy('API key', profile.apiKey)}
        >
          Copy API key
        </button>
        <details class="copy-as">
          <summary>Copy as…</summary>
          <div class="row">
            {FORMATS.map(({ format, label }) => (
              <button
                key={format}
                type="button"
                aria-label={`Copy ${name} as ${label}`}
                disabled={format === 'curl' && noCurl}
                {...(format === 'curl' && noCurl ? { 'aria-describedby': curlHintId } : {})}
                onClick={() => void copy(label, copyAs(format, profile))}
              >
                {label}
              </button>
            ))}
          </div>
          {noCurl && (
            <p class="small muted" id={curlHintId}>
              A curl command needs to know where {profile.provider || 'this provider'} answers: add
              a base URL to the profile or to its provider.
            </p>
          )}
        </details>
      </div>
      <p class="small muted" role="status">
        {said}
      </p>
    </div>
  );
}
