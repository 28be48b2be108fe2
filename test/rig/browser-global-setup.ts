/**
 * Global setup of vitest's Chromium project: the real server runs here, in Node, once for the
 * whole project; the pages get its URL through `inject('engineServerUrl')`. Files that need a
 * server with other settings start their own through a command (see browser-commands.ts).
 */
import type { TestProject } from 'vitest/node';
import {
  engineTestCommandHandlers,
  startRegisteredServer,
  stopAllServers,
} from './browser-commands';

declare module 'vitest' {
  export interface ProvidedContext {
    engineServerUrl: string;
  }
}

/** Read by the forwarders vitest.config.ts registers as commands (a different module graph). */
const HANDLERS = Symbol.for('satchel.engine-test-command-handlers');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  (globalThis as Record<symbol, unknown>)[HANDLERS] = engineTestCommandHandlers;
  project.provide('engineServerUrl', await startRegisteredServer());
  return stopAllServers;
}
