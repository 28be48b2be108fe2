import { JoinRequests } from '../../pairing/join-requests';
import type { ScreenProps } from '../screen';

/** A new device of this account asks for the key: this device is the one that can hand it over. */
export function ApproveDevice({ status, navigate }: ScreenProps) {
  const reviewing = status.pairing?.role === 'existing';
  return (
    <section class="stack" aria-labelledby="approve-device-title">
      <h1 id="approve-device-title">A device wants to join</h1>
      <JoinRequests status={status} standalone />
      {/* Once a review started, only approve or deny end it: half a pairing helps nobody. */}
      {!reviewing && (
        <button
          type="button"
          class="link small"
          onClick={() => navigate({ name: 'home', joinLater: true })}
        >
          Not now
        </button>
      )}
    </section>
  );
}
