/** Edits the server's size limit keeps from syncing: they wait on this device until shortened. */
export function tooLargeText(count: number): string {
  return count === 1
    ? '1 edit is too large to sync — shorten its notes or parameters; it stays on this device meanwhile.'
    : `${count} edits are too large to sync — shorten their notes or parameters; they stay on this device meanwhile.`;
}

export function TooLargeNotice({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <div class="alert warn" role="status" data-testid="too-large-count">
      <p>{tooLargeText(count)}</p>
    </div>
  );
}
