/**
 * The server's clock as this device best knows it, from the `Date` header of its answers.
 * Deadlines the server sets (a pairing's `expires_at`) are in server time; comparing them with a
 * device clock that is minutes off would call a fresh request expired, or keep a dead one open.
 * Until a dated answer arrives the device clock is taken as right.
 */
export class ServerClock {
  /** Server time minus device time, in ms. */
  private offsetMs = 0;
  /** The round trip of the sample `offsetMs` came from: a quicker answer is a closer guess. */
  private sampleRttMs = Number.POSITIVE_INFINITY;
  private sampledAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deviceNow: () => number) {}

  /** Server time now, in ms since the epoch. */
  now(): number {
    return this.deviceNow() + this.offsetMs;
  }

  /** A server-time instant on the device clock, for countdowns and "2 min ago". */
  toDevice(serverMs: number): number {
    return serverMs - this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Whether an answer has told the server's time yet. */
  get known(): boolean {
    return this.sampledAt !== Number.NEGATIVE_INFINITY;
  }

  /** One answer: `date` is its Date header (whole seconds), sent and received on the device clock. */
  observe(date: string | null, sentAt: number, receivedAt: number): void {
    if (!date) return;
    const serverSecond = Date.parse(date);
    if (!Number.isFinite(serverSecond) || receivedAt < sentAt) return;
    const rtt = receivedAt - sentAt;
    // A slower sample only replaces a quicker one once that is old: clocks drift, and sleep.
    if (rtt > this.sampleRttMs && receivedAt - this.sampledAt < 60_000) return;
    // The header drops the milliseconds: the server's moment was somewhere in that second.
    this.offsetMs = serverSecond + 500 - (sentAt + receivedAt) / 2;
    this.sampleRttMs = rtt;
    this.sampledAt = receivedAt;
  }
}
