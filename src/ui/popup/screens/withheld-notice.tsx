/** Records the server holds back from this device although other devices hold them. */
export function withheldText(count: number): string {
  return count === 1
    ? '1 change your other devices made has not reached this device: the sync server is holding it back. Nothing here was deleted; Satchel keeps asking for it.'
    : `${count} changes your other devices made have not reached this device: the sync server is holding them back. Nothing here was deleted; Satchel keeps asking for them.`;
}

export function WithheldNotice({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <div class="alert warn" role="status" data-testid="withheld-count">
      <p>{withheldText(count)}</p>
    </div>
  );
}
