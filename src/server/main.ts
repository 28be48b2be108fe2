/**
 * Starts the sync server: reads the configuration, opens the database (running migrations),
 * serves HTTP, purges tombstones, and shuts down gracefully on SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import { type Config, ConfigError, helpText, parseConfig } from './config';
import { createLogger, describeError, hideUrlCredentials, type Logger } from './log';
import { bootServer } from './serve';

/** How long in-flight requests get to finish after a shutdown signal. */
const SHUTDOWN_GRACE_MS = 10_000;

function banner(
  config: Config,
  url: string,
  serves: { webApp: boolean; adminPage: boolean },
): string {
  // 127.0.0.1 and 0.0.0.0 both answer on localhost, the address people recognise.
  const local = url.replace(/\/\/(127\.0\.0\.1|0\.0\.0\.0|\[::\]|\[::1\])(?=:)/, '//localhost');
  const base = config.publicUrl ?? local;
  const database = config.databaseUrl
    ? 'PostgreSQL (DATABASE_URL)'
    : `embedded PGlite in ${config.dataDir}`;
  const lines = [
    '',
    `Satchel sync server is running on ${base} (database: ${database}).`,
    config.registration === 'invite'
      ? `Invite-only: make the first account's link with "invite create" (see invite --help), then open it.`
      : `Open ${base}/activate to create the first account or connect a device.`,
  ];
  if (serves.webApp) lines.push(`The web app is at ${base}/`);
  if (serves.adminPage) lines.push(`The owner's admin page is at ${base}/admin/`);
  // Only worth saying from a checkout that built the extension (npm start does).
  if (existsSync('dist/extension/manifest.json')) {
    lines.push(
      'The browser extension is built in dist/extension: load it unpacked in chrome://extensions',
      `(Developer mode), then set its server to ${base} in its options.`,
    );
  }
  lines.push('Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

/** `invite ...` and `admin ...` run a command instead of starting the server. */
async function runCommand(name: 'invite' | 'admin', argv: readonly string[]): Promise<number> {
  const { runInviteCommand } = await import('./cli/invite');
  const { runAdminCommand } = await import('./cli/admin');
  const io = {
    out: (text: string) => process.stdout.write(text),
    err: (text: string) => process.stderr.write(text),
  };
  try {
    const command = name === 'admin' ? runAdminCommand : runInviteCommand;
    return await command(argv, process.env, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`satchel: ${error.message}\n`);
      return 2;
    }
    // The database could not be opened (a running server holds the data folder, a bad URL...).
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`satchel: ${hideUrlCredentials(message)}\n`);
    return 1;
  }
}

async function run(): Promise<void> {
  const name = process.argv[2];
  if (name === 'invite' || name === 'admin') {
    process.exitCode = await runCommand(name, process.argv.slice(3));
    return;
  }
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`satchel: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(helpText());
    return;
  }
  const { config } = parsed;
  const logger: Logger = createLogger(config.logLevel);

  const server = await bootServer(config, { logger });
  // For the person at the terminal; stdout stays pure JSON lines for log collectors.
  process.stderr.write(
    `${banner(config, server.url, {
      webApp: server.servesWebApp,
      adminPage: server.servesAdminPage,
    })}\n`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn('second signal: exiting at once', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', { signal });
    try {
      await server.close(SHUTDOWN_GRACE_MS);
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error('shutdown failed', describeError(error));
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

run().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`satchel: could not start: ${hideUrlCredentials(message)}\n`);
  createLogger('error').error('startup failed', describeError(error));
  process.exit(1);
});
