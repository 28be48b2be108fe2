/**
 * The real sync server for extension tests: started in the test process (PGlite in memory), as
 * test/rig/node-backend.ts does, with a 1 s poll interval so sign-ins finish quickly.
 */
import { type StartServerOptions, startServer, type TestServer } from '../../src/server/testing';

export async function startSyncServer(
  config: StartServerOptions['config'] = {},
): Promise<TestServer> {
  return startServer({ config: { registration: 'open', pollIntervalS: 1, ...config } });
}

export interface Person {
  username: string;
  password: string;
}

let people = 0;

/** A new person; their account is registered on first approval (open registration). */
export function newPerson(): Person {
  people += 1;
  return {
    username: `person${Date.now().toString(36)}${people}`,
    password: 'correct horse battery staple',
  };
}
