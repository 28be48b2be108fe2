import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import type { BrowserCommand } from 'vitest/node';
// Type-only, so nothing of the rig (nor the server behind it) is bundled into the config.
import type { EngineTestCommands } from './test/rig/command-contract';

/**
 * One vitest run, several projects:
 * - `node`: unit and integration tests in Node (server over real HTTP, PGlite and PostgreSQL,
 *   engine on fake-indexeddb). Files: src/**\/*.test.ts, test/**\/*.test.ts (the engine-plus-
 *   server rig, the integration suites and the convention tests), bench/**\/*.test.ts
 * - `chromium`: the engine's unit tests (src/engine) and the integration suites (test/integration)
 *   again, in real headless Chromium, on its real IndexedDB and WebCrypto, against the real server
 *   running in this Node process (started by the global setup; reached over HTTP and, for what a
 *   page cannot do, commands).
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The Chromium project's commands forward to handlers its global setup installs
 * (test/rig/browser-commands.ts): importing the server here would make Vite bundle it
 * into the config, while the global setup is loaded by vitest's module runner like test code.
 */
const HANDLERS = Symbol.for('satchel.engine-test-command-handlers');
function forward(name: keyof EngineTestCommands): BrowserCommand<unknown[]> {
  return (_context, ...args) => {
    const handlers = (globalThis as Record<symbol, EngineTestCommands | undefined>)[HANDLERS];
    if (!handlers) throw new Error(`command ${name}: the chromium global setup did not run`);
    return (handlers[name] as (...args: unknown[]) => Promise<unknown>)(...args);
  };
}
// A Record over every key, so a command added to the contract fails typechecking until listed.
const commandNames: Record<keyof EngineTestCommands, true> = {
  startTestServer: true,
  useTestServer: true,
  stopTestServer: true,
  decideDeviceCode: true,
  serverRecords: true,
  replaceServerKeyDocument: true,
  setServerClockOffset: true,
  purgeServerTombstones: true,
  dropLiveStreams: true,
};
const engineTestCommands = Object.fromEntries(
  Object.keys(commandNames).map((name) => [name, forward(name as keyof EngineTestCommands)]),
);

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: {
          // The one place the two projects differ: which side of the process boundary the
          // server is on (see test/rig/backend.ts).
          alias: [{ find: /^(.*)\/rig\/backend$/, replacement: '$1/rig/backend.browser' }],
        },
        test: {
          name: 'chromium',
          include: [
            'src/engine/**/*.test.ts',
            'test/rig/**/*.test.ts',
            'test/integration/**/*.test.ts',
          ],
          globalSetup: ['test/rig/browser-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath, args: ['--disable-quic'] },
            }),
            instances: [{ browser: 'chromium' }],
            commands: engineTestCommands,
          },
        },
      },
    ],
  },
});
