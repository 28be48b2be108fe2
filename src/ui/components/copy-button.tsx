import { useState } from 'preact/hooks';

/**
 * Copies `text` to the clipboard and says so. Clipboard access can be refused: the text stays on
 * screen, selectable, and the message says to copy it by hand.
 */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div class="row">
      <button type="button" onClick={() => void copy()}>
        Copy
      </button>
      <span class="small muted" role="status">
        {copied === 'yes' && 'Copied to the clipboard.'}
        {copied === 'failed' && `Copying was refused: select the ${what} and copy it by hand.`}
      </span>
    </div>
  );
}
