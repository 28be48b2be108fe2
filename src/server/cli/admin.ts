/**
 * `satchel-server admin create-link`: prints a one-time link that signs the owner in to the admin
 * page (15 minutes), straight against the configured database like the `invite` commands.
 */

import { makeAdminLink } from '../admin/link';
import { ConfigError, parseConfig } from '../config';
import { openStore } from '../store/open-store';
import type { CliOutput } from './invite';

export const ADMIN_HELP = `Usage: satchel-server admin create-link [server options]

Prints a link that signs the server's owner in to the admin page once, within 15 minutes.
Server options (--data-dir, --database-url, --public-url, ...) name the same database and
address as the server's. With the embedded database, stop the server first.
`;

export async function runAdminCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliOutput,
  now: () => number = Date.now,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.out(ADMIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'create-link')
    throw new ConfigError(`unknown admin command "${command}" (create-link)`);
  const parsed = parseConfig(rest, env);
  if (parsed.help) {
    io.out(ADMIN_HELP);
    return 0;
  }
  const { config } = parsed;
  const store = await openStore(
    config.databaseUrl !== undefined
      ? { databaseUrl: config.databaseUrl, maxConnections: 1 }
      : { dataDir: config.dataDir },
  );
  try {
    if ((await store.countAccounts()) === 0) {
      io.err('satchel: this server has no owner yet; create the first account first\n');
      return 1;
    }
    const base = config.publicUrl ?? `http://localhost:${config.listenPort}`;
    io.err('This link signs the owner in once, within 15 minutes. Keep it to yourself.\n');
    io.out(`${await makeAdminLink(store, base, now())}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
