// Types for ensure-deps.mjs, which TypeScript code (benchmarks, e2e) imports.

/** Finds or installs Chromium; returns its path. */
export function ensureChromium(): string;

/** A loopback port free right now (for a server that must be named before it starts). */
export function freePort(): Promise<number>;

/**
 * A throwaway PostgreSQL cluster (or TEST_DATABASE_URL's server when set): its URL, and `stop`,
 * which stops it and removes its files.
 */
export function startPostgres(): Promise<{ url: string; stop: () => void }>;
