/** The six digits both screens show: large and spaced so a person can compare them at a glance. */
export function PairingCode({ code }: { code: string }) {
  return (
    <p class="user-code code" data-testid="pairing-code">
      {code}
    </p>
  );
}
