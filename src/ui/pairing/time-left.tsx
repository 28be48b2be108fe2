import { useEffect, useState } from 'preact/hooks';

function minutesSeconds(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * How long a pairing stays open. Ticks every second but is not a live region: announcing each
 * second would drown out everything else for a screen reader.
 */
export function TimeLeft({ expiresAt }: { expiresAt: number }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = expiresAt - now;
  return (
    <p class="small muted" data-testid="pairing-time-left">
      {left > 0 ? `Expires in ${minutesSeconds(left)}` : 'Expired'}
    </p>
  );
}
