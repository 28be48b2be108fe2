/**
 * Server configuration from command-line flags and environment variables. Flags win over the
 * environment, the environment over defaults. Every value is checked at startup: a bad value
 * stops the server with a ConfigError that names the flag, the variable and what is expected.
 * The options themselves are the table in config-options.ts.
 */
import { parseArgs } from 'node:util';
import type { Limits } from '../protocol';
import { type Config, OPTIONS, type OptionSpec } from './config-options';
import { Invalid } from './config-readers';

export type { Config, LogLevel } from './config-options';

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const ENTRIES = Object.entries(OPTIONS) as [keyof Config, OptionSpec<unknown>][];

export const DEFAULT_CONFIG = Object.fromEntries(
  ENTRIES.map(([key, spec]) => [key, spec.default]),
) as Config;

/** The limits a server advertises in GET /v1/info. */
export function limitsOf(config: Config): Limits {
  return {
    max_payload_bytes: config.maxPayloadBytes,
    max_batch_ops: config.maxBatchOps,
    max_batch_bytes: config.maxBatchBytes,
    max_body_bytes: config.maxBodyBytes,
    max_changes_limit: config.maxChangesLimit,
  };
}

type ParsedArgs = { help: true } | { help: false; config: Config };

const FLAGS = new Set(ENTRIES.map(([, spec]) => spec.flag));

/** `--name value` or `--name=value` per flag, the last one winning; undefined for --help. */
function readFlags(argv: readonly string[]): Map<string, string> | undefined {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries([...FLAGS].map((flag) => [flag, { type: 'string' as const }])),
    // Lenient, so the errors below are ours and name the argument as it was typed.
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags = new Map<string, string>();
  for (const token of tokens) {
    const arg = argv[token.index] ?? '';
    if (arg === '--help' || arg === '-h') return undefined;
    if (token.kind !== 'option' || token.rawName !== `--${token.name}` || !FLAGS.has(token.name)) {
      throw new ConfigError(`unknown argument "${arg}" (see --help)`);
    }
    // A following flag is not a value: `--listen --registration open` misses the address.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw new ConfigError(`--${token.name} needs a value`);
    }
    flags.set(token.name, token.value);
  }
  return flags;
}

function readOption(spec: OptionSpec<unknown>, raw: string): unknown {
  try {
    return spec.read(raw);
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    const shown = spec.secret ? 'a value' : `"${raw}"`;
    throw new ConfigError(`--${spec.flag} / ${spec.env}: got ${shown}, expected ${error.expected}`);
  }
}

/**
 * Reads flags and environment variables into a Config.
 * Throws ConfigError on an unknown flag, a missing value or a bad value.
 */
export function parseConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ParsedArgs {
  const flags = readFlags(argv);
  if (!flags) return { help: true };
  const config: Record<string, unknown> = {};
  for (const [key, spec] of ENTRIES) {
    const raw =
      flags.get(spec.flag) ?? env[spec.env] ?? (spec.formerEnv ? env[spec.formerEnv] : undefined);
    // An empty variable counts as unset; an empty flag is a mistake worth reporting.
    const unset = raw === undefined || (raw === '' && !flags.has(spec.flag));
    config[key] = unset ? spec.default : readOption(spec, raw.trim());
  }
  return { help: false, config: config as Config };
}

export function helpText(): string {
  const rows = ENTRIES.flatMap(([, spec]) => {
    if (spec.help === undefined) return [];
    const left = `  --${spec.flag} <value>`.padEnd(38);
    const shown = spec.show ? spec.show(spec.default) : String(spec.default);
    return [`${left}${spec.help}\n${''.padEnd(38)}env ${spec.env}, default ${shown}`];
  });
  return [
    'Satchel sync server',
    '',
    'Usage: satchel-server [options]',
    '       satchel-server invite create|list|revoke [options]  (see invite --help)',
    '(From a checkout: npm run serve -- [options])',
    '',
    'Every option can also be set through its environment variable; a flag wins.',
    '',
    ...rows,
    `${'  --help'.padEnd(38)}Print this help`,
    '',
  ].join('\n');
}
