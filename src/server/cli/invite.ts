/**
 * `satchel-server invite create|list|revoke`: invites from the command line, straight against the
 * configured database (DATA_DIR or DATABASE_URL), so the owner of a REGISTRATION=invite server
 * can make the very first link. With the embedded database the server must be stopped (one
 * process holds the data folder); with PostgreSQL it may be running.
 */
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig } from '../config';
import { inviteLink, makeInvite, parseDuration } from '../invites';
import { openStore } from '../store/open-store';
import type { Invite } from '../store/types';

const MAX_USES = 10_000;
const MAX_TTL_S = 365 * 86_400;

export const INVITE_HELP = `Usage: satchel-server invite <command> [options] [server options]

Invites let people create an account on this server (REGISTRATION=invite needs one for every
account, the first included; first-user for every account after the first).

Commands:
  create [--uses N] [--expires 7d]   Print a new invite link (default: 1 use, --invite-ttl)
                                     --expires takes minutes, hours or days: 30m, 12h, 7d
  list                               Every invite with its state, uses and who registered
  revoke <id>                        Withdraw an invite at once

Server options (--data-dir, --database-url, --public-url, ...) name the same database and
address as the server's; see --help. The link starts with --public-url (PUBLIC_URL), else
http://localhost:<port>. With the embedded database, stop the server first.
`;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Takes --uses and --expires off the arguments; the rest are the server's options. */
function splitArgs(argv: readonly string[]) {
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: { uses: { type: 'string' }, expires: { type: 'string' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const serverArgs: string[] = [];
  const commandPositionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option' && (token.name === 'uses' || token.name === 'expires')) continue;
    if (token.kind === 'positional') {
      // A server flag's value (`--data-dir ./x`) is a positional to this lenient parse.
      const previous = serverArgs.at(-1);
      if (previous?.startsWith('--') && !previous.includes('=') && previous !== '--help') {
        serverArgs.push(token.value);
      } else {
        commandPositionals.push(token.value);
      }
      continue;
    }
    if (token.kind === 'option') serverArgs.push(argv[token.index] ?? '');
  }
  void positionals;
  return { values, positionals: commandPositionals, serverArgs };
}

function readUses(raw: unknown): number {
  if (raw === undefined) return 1;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_USES)) {
    throw new ConfigError(`--uses: got ${JSON.stringify(raw)}, expected 1 to ${MAX_USES}`);
  }
  return n;
}

function readExpires(raw: unknown, fallbackS: number): number {
  if (raw === undefined) return fallbackS;
  const seconds = typeof raw === 'string' ? parseDuration(raw) : null;
  if (seconds === null || seconds < 60 || seconds > MAX_TTL_S) {
    throw new ConfigError(
      `--expires: got ${JSON.stringify(raw)}, expected a duration from 1m to 365d like 30m, 12h or 7d`,
    );
  }
  return seconds;
}

function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function describeInvite(invite: Invite): string {
  const used = invite.uses.map((use) => use.username).join(', ');
  return [
    invite.id.padEnd(12),
    invite.state.padEnd(8),
    `${invite.useCount}/${invite.maxUses} used`.padEnd(14),
    `expires ${when(invite.expiresAt)}`,
    invite.createdBy ? '' : ' (command line)',
    used ? `  by ${used}` : '',
  ].join('');
}

/** Runs one invite command; resolves to the exit code. */
export async function runInviteCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliOutput,
  now: () => number = Date.now,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    io.out(INVITE_HELP);
    return argv.length === 0 ? 2 : 0;
  }
  const [command, ...rest] = argv;
  const { values, positionals, serverArgs } = splitArgs(rest);
  const parsed = parseConfig(serverArgs, env);
  if (parsed.help) {
    io.out(INVITE_HELP);
    return 0;
  }
  const { config } = parsed;
  if (command !== 'create' && (values.uses !== undefined || values.expires !== undefined)) {
    throw new ConfigError('--uses and --expires go with "invite create"');
  }
  const wanted = command === 'revoke' ? 1 : 0;
  if (positionals.length !== wanted) {
    throw new ConfigError(
      command === 'revoke'
        ? 'invite revoke needs the id of one invite (see invite list)'
        : `unexpected "${positionals[0]}" (see invite --help)`,
    );
  }
  if (command !== 'create' && command !== 'list' && command !== 'revoke') {
    throw new ConfigError(`unknown invite command "${command}" (create, list or revoke)`);
  }
  const maxUses = readUses(values.uses);
  const ttlS = readExpires(values.expires, config.inviteTtlS);

  const store = await openStore(
    config.databaseUrl !== undefined
      ? { databaseUrl: config.databaseUrl, maxConnections: 1 }
      : { dataDir: config.dataDir },
  );
  try {
    if (command === 'create') {
      const { invite, token } = await makeInvite(store, {
        createdBy: null,
        maxUses,
        ttlS,
        now: now(),
      });
      const base = config.publicUrl ?? `http://localhost:${config.listenPort}`;
      const uses = maxUses === 1 ? 'once' : `${maxUses} times`;
      io.err(`Invite ${invite.id}: works ${uses}, until ${when(invite.expiresAt)}.\n`);
      if (config.publicUrl === undefined) {
        io.err(
          `PUBLIC_URL is not set: the link says ${base}; set --public-url to the address people use.\n`,
        );
      }
      io.out(`${inviteLink(base, token)}\n`);
      return 0;
    }
    if (command === 'list') {
      const invites = await store.listInvites(now());
      io.out(invites.length ? `${invites.map(describeInvite).join('\n')}\n` : 'No invites.\n');
      return 0;
    }
    const id = positionals[0] ?? '';
    if (await store.revokeInvite(id, now())) {
      io.out(`Invite ${id} revoked: its link no longer creates accounts.\n`);
      return 0;
    }
    io.err(`satchel: no invite ${id} to revoke (it may be revoked already; see invite list)\n`);
    return 1;
  } finally {
    await store.close();
  }
}
