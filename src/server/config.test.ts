import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, helpText, parseConfig } from './config';

function configOf(argv: string[], env: Record<string, string> = {}) {
  const parsed = parseConfig(argv, env);
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.config;
}

describe('parseConfig', () => {
  it('defaults to 127.0.0.1:8787, ./.data, first-user registration', () => {
    const config = configOf([]);
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(config.listenHost).toBe('127.0.0.1');
    expect(config.listenPort).toBe(8787);
    expect(config.dataDir).toBe('./.data');
    expect(config.registration).toBe('first-user');
    expect(config.tombstoneRetentionMs).toBe(90 * 24 * 3600 * 1000);
  });

  it('reads the environment, and flags win over it', () => {
    const env = { LISTEN_ADDR: '0.0.0.0:9000', REGISTRATION: 'open', DATA_DIR: '/srv/satchel' };
    expect(configOf([], env)).toMatchObject({
      listenHost: '0.0.0.0',
      listenPort: 9000,
      registration: 'open',
      dataDir: '/srv/satchel',
    });
    const flagged = configOf(['--listen', '127.0.0.1:0', '--registration=invite'], env);
    expect(flagged).toMatchObject({
      listenHost: '127.0.0.1',
      listenPort: 0,
      registration: 'invite',
    });
  });

  it('reads limits, lifetimes, origins and the database URL', () => {
    const config = configOf(
      [
        '--max-payload-bytes=1000',
        '--max-batch-ops',
        '7',
        '--tombstone-retention-days=0.5',
        '--app-origins=https://app.example.org, http://localhost:5173',
        '--public-url=https://sync.example.org/',
        '--listen=[::1]:8080',
      ],
      { DATABASE_URL: 'postgres://u:p@db:5432/satchel', LOG_LEVEL: 'debug' },
    );
    expect(config).toMatchObject({
      maxPayloadBytes: 1000,
      maxBatchOps: 7,
      tombstoneRetentionMs: 12 * 3600 * 1000,
      appOrigins: ['https://app.example.org', 'http://localhost:5173'],
      publicUrl: 'https://sync.example.org',
      databaseUrl: 'postgres://u:p@db:5432/satchel',
      logLevel: 'debug',
      listenHost: '::1',
      listenPort: 8080,
    });
  });

  it.each([
    [['--listen', 'localhost'], /--listen \/ LISTEN_ADDR: got "localhost", expected HOST:PORT/],
    [['--listen', '1.2.3.4:70000'], /expected HOST:PORT/],
    [['--registration', 'everyone'], /expected one of first-user, invite, open/],
    [['--max-payload-bytes', '12abc'], /MAX_PAYLOAD_BYTES: got "12abc", expected a whole number/],
    [['--max-batch-ops', '0'], /between 1 and/],
    [
      ['--pairing-ttl', '5'],
      /--pairing-ttl \/ PAIRING_TTL_S: got "5", expected a whole number between 30 and 3600/,
    ],
    [['--pairing-max-open', '0'], /PAIRING_MAX_OPEN/],
    [['--pairing-max-per-account', 'many'], /PAIRING_MAX_PER_ACCOUNT/],
    [['--pairing-rate-window', '0'], /PAIRING_RATE_WINDOW_S/],
    [['--log-level', 'loud'], /LOG_LEVEL/],
    [['--public-url', 'ftp://x'], /PUBLIC_URL/],
    [['--app-origins', 'https://a.example/path'], /APP_ORIGINS/],
    [['--trust-proxy', 'maybe'], /true or false/],
    [['--nope'], /unknown argument "--nope"/],
    [['--listen'], /--listen needs a value/],
  ])('refuses %j with a clear ConfigError', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrowError(ConfigError);
    expect(() => parseConfig(argv, {})).toThrowError(message);
  });

  it('reads the pairing lifetime and limits, defaulting to 5 minutes, 3 open, 10 per 10 minutes', () => {
    expect(configOf([])).toMatchObject({
      pairingTtlS: 300,
      pairingMaxOpen: 3,
      pairingMaxPerAccount: 10,
      pairingRateWindowS: 600,
    });
    const env = { PAIRING_TTL_S: '120', PAIRING_MAX_OPEN: '5', PAIRING_MAX_PER_ACCOUNT: '4' };
    // The variable's name before the *_S naming still works, behind the current one.
    expect(configOf([], { PAIRING_TTL_SECONDS: '90' })).toMatchObject({ pairingTtlS: 90 });
    expect(configOf([], { PAIRING_TTL_SECONDS: '90', PAIRING_TTL_S: '60' })).toMatchObject({
      pairingTtlS: 60,
    });
    expect(configOf(['--pairing-rate-window=60', '--pairing-max-open', '2'], env)).toMatchObject({
      pairingTtlS: 120,
      pairingMaxOpen: 2,
      pairingMaxPerAccount: 4,
      pairingRateWindowS: 60,
    });
  });

  it('refuses a bad environment value naming the variable', () => {
    expect(() => parseConfig([], { REGISTRATION: 'sometimes' })).toThrowError(
      /REGISTRATION: got "sometimes"/,
    );
  });

  it('never echoes a database URL, which may hold a password', () => {
    let message = '';
    try {
      parseConfig(['--database-url', 'mysql://root:hunter2@db/x'], {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).not.toContain('hunter2');
  });

  it('--help lists every flag with its variable and default', () => {
    expect(parseConfig(['--data-dir', 'x', '--help'], {})).toEqual({ help: true });
    const text = helpText();
    for (const [flag, env] of [
      ['--listen', 'LISTEN_ADDR'],
      ['--data-dir', 'DATA_DIR'],
      ['--database-url', 'DATABASE_URL'],
      ['--public-url', 'PUBLIC_URL'],
      ['--registration', 'REGISTRATION'],
      ['--max-payload-bytes', 'MAX_PAYLOAD_BYTES'],
      ['--max-body-bytes', 'MAX_BODY_BYTES'],
      ['--access-token-ttl', 'ACCESS_TOKEN_TTL_S'],
      ['--tombstone-retention-days', 'TOMBSTONE_RETENTION_DAYS'],
      ['--pairing-ttl', 'PAIRING_TTL_S'],
      ['--pairing-max-open', 'PAIRING_MAX_OPEN'],
      ['--pairing-max-per-account', 'PAIRING_MAX_PER_ACCOUNT'],
      ['--pairing-rate-window', 'PAIRING_RATE_WINDOW_S'],
      ['--log-level', 'LOG_LEVEL'],
    ]) {
      expect(text).toContain(flag);
      expect(text).toContain(env);
    }
    expect(text).toContain('default 127.0.0.1:8787');
  });

  it('--help shows each real default: fed back as its flag, it gives the default config', () => {
    const shown = [...helpText().matchAll(/--([a-z-]+) <value>.*\n\s+env \w+, default (.*)/g)];
    expect(shown.length).toBeGreaterThan(20);
    for (const [, flag, value] of shown) {
      if (value?.startsWith('(')) continue;
      expect(configOf([`--${flag}`, value ?? '']), flag).toEqual(DEFAULT_CONFIG);
    }
  });
});
