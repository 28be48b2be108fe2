/**
 * Copying secrets: written with the async Clipboard API and taken back after a while, but only
 * when the clipboard still holds what Satchel put there (reading it can be refused; then nothing
 * is touched, and the caller says so). The text is never logged.
 */
export const CLEAR_AFTER_MS = 60_000;

export type ClearOutcome = 'cleared' | 'replaced' | 'refused';

/** Resolves once written; `cleared` settles when the clipboard was cleared, or why it was not. */
export async function copySecret(
  text: string,
  clearAfterMs = CLEAR_AFTER_MS,
): Promise<{ cleared: Promise<ClearOutcome> }> {
  await navigator.clipboard.writeText(text);
  const cleared = new Promise<ClearOutcome>((resolve) => {
    setTimeout(() => {
      navigator.clipboard
        .readText()
        .then(async (now) => {
          // Something else was copied since: that is the person's, not ours to clear.
          if (now !== text) return resolve('replaced');
          await navigator.clipboard.writeText('');
          resolve('cleared');
        })
        .catch(() => resolve('refused'));
    }, clearAfterMs);
  });
  return { cleared };
}
