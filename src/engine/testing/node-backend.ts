/** The real sync server in this Node process (PGlite in memory) as a test Backend. */
import {
  approveDeviceCode,
  type StartServerOptions,
  startServer,
  type TestServer,
} from '../../server/testing';
import { randomId } from '../ids';
import type { Backend, Credentials } from './devices';

export interface NodeBackend extends Backend {
  server: TestServer;
  deny(userCode: string, credentials: Credentials): Promise<void>;
  close(): Promise<void>;
}

export async function startBackend(options: StartServerOptions = {}): Promise<NodeBackend> {
  const server = await startServer({
    ...options,
    config: { registration: 'open', pollIntervalS: 1, ...options.config },
  });
  return {
    server,
    url: server.url,
    approve: (userCode, credentials) => approveDeviceCode(server.url, userCode, credentials),
    deny: (userCode, credentials) =>
      approveDeviceCode(server.url, userCode, { ...credentials, decision: 'deny' }),
    close: () => server.close(),
  };
}

/** A new person: a fresh account is registered on first approval (open registration). */
export function newPerson(): Credentials {
  return {
    username: `person-${randomId(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`,
    password: 'correct horse battery staple',
  };
}
