import { defineConfig } from 'vitest/config';

/**
 * One vitest run, several projects:
 * - `node`: unit and integration tests in Node (server over real HTTP, PGlite and PostgreSQL,
 *   engine on fake-indexeddb). Files: src/**\/*.test.ts
 * - further projects (engine in real Chromium) are registered here as they arrive.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
