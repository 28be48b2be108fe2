/**
 * The backend the engine's test files use. This is the Node one; vitest's Chromium project
 * resolves this module to ./backend.browser.ts instead (see vitest.config.ts), so the same test
 * files run unchanged in both.
 */
export { startBackend } from './node-backend';
export { newPerson, type TestBackend } from './test-backend';
