/** Signed out: what connecting gives, and the way to the guide that does it. */
export function ConnectPrompt({
  what = 'sync your settings across your devices',
}: {
  what?: string;
}) {
  return (
    <div class="card row spread" data-testid="connect-prompt">
      <p>This device is not connected to a sync server. Connect it to {what}.</p>
      <a class="button primary" href="#welcome">
        Connect this device
      </a>
    </div>
  );
}
