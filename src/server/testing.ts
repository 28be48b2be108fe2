/**
 * Helpers for tests and benchmarks that need the real sync server: start it on a free port, and
 * complete device grants over real HTTP through the real /activate forms (no browser needed).
 */
import type { DeviceAuthorizationResponse, TokenResponse } from '../protocol';
import { DEVICE_CODE_GRANT } from '../protocol';
import { PasswordHasher } from './auth/passwords';
import { type Config, DEFAULT_CONFIG } from './config';
import { createLogger, type Logger } from './log';
import { type BootDeps, bootServer } from './serve';
import { storeDb } from './store/testing';
import type { Store } from './store/types';

export interface StartServerOptions {
  /** Overrides of the defaults (see below for what differs from production defaults). */
  config?: Partial<Config>;
  clock?: () => number;
  /** PostgreSQL; otherwise PGlite in dataDir, in memory when dataDir is undefined too. */
  databaseUrl?: string;
  dataDir?: string;
  /** Receives every log line (JSON); by default only errors are printed. */
  logger?: Logger;
  /** Live-stream auth timeout and heartbeat (short in the live tests). */
  liveTiming?: BootDeps['liveTiming'];
  /** Password hashing; by default scrypt at a test cost (see TEST_PASSWORDS). */
  passwords?: PasswordHasher;
}

export interface TestServer {
  url: string;
  store: Store;
  config: Config;
  /** Runs the server's tombstone purge once, as its timer would. */
  purgeTombstones(): Promise<number>;
  /** Cuts every open live stream as a lost connection would (the clients see 1006). */
  dropLiveStreams(): void;
  close(): Promise<void>;
}

/**
 * Differences from production defaults, so suites that sign in many devices from 127.0.0.1 are
 * not throttled: the sign-in and user-code throttles are effectively off unless `config` sets
 * them (the rate-limit tests do). Logging defaults to errors only.
 */
const TEST_DEFAULTS: Partial<Config> = {
  logLevel: 'error',
  signInMaxPerAccount: 1_000_000,
  signInMaxPerAddress: 1_000_000,
  userCodeMaxPerAddress: 1_000_000,
  userCodeMaxPerAccount: 1_000_000,
  deviceCodeMaxPerAddress: 1_000_000,
};

/**
 * scrypt at N=2^12 (about 5 ms) instead of the production 2^17 (about 0.7 s here): the suites
 * create an account per test, and at the production cost password hashing alone took minutes of
 * every CI run. The cost itself is tested in auth/passwords.test.ts.
 */
const TEST_PASSWORDS = new PasswordHasher({ N: 2 ** 12, r: 8, p: 1 });

/** The real HTTP server on 127.0.0.1, on a free port. */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const config: Config = {
    ...DEFAULT_CONFIG,
    ...TEST_DEFAULTS,
    listenHost: '127.0.0.1',
    listenPort: 0,
    databaseUrl: options.databaseUrl,
    ...options.config,
  };
  const logger =
    options.logger ?? createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
  const server = await bootServer(config, {
    logger,
    clock: options.clock,
    store:
      options.databaseUrl !== undefined
        ? { databaseUrl: options.databaseUrl }
        : options.dataDir !== undefined
          ? { dataDir: options.dataDir }
          : {},
    // The web app only when a test asks for one, so a local dist/pwa never changes other suites.
    web: options.config?.webDir !== undefined,
    admin: options.config?.adminDir !== undefined,
    housekeepingTimer: false,
    liveTiming: options.liveTiming,
    passwords: options.passwords ?? TEST_PASSWORDS,
  });
  return {
    url: server.url,
    store: server.store,
    config,
    purgeTombstones: server.housekeeping.purgeTombstones,
    dropLiveStreams: () => server.live.dropAll(),
    close: () => server.close(0),
  };
}

// ---------------------------------------------------------------------------------------------
// Driving the /activate forms

export class ActivationError extends Error {
  readonly code = 'activation_failed';
  constructor(
    message: string,
    /** The page's data-code (problem code or outcome) when it had one. */
    readonly pageCode?: string,
  ) {
    super(message);
    this.name = 'ActivationError';
  }
}

export interface Credentials {
  username: string;
  password: string;
}

/** A minimal cookie jar: the /activate pages set one session cookie. */
class CookieJar {
  private cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function attribute(html: string, pattern: RegExp): string | undefined {
  return pattern.exec(html)?.[1];
}

/** The page kind (`data-page`), its code (`data-code`) and its visible notice, if any. */
export function describePage(html: string): { page?: string; code?: string; notice?: string } {
  return {
    page: attribute(html, /<main data-page="([^"]+)"/),
    code: attribute(html, /data-code="([^"]+)"/),
    notice: attribute(html, /<p class="notice error" role="alert">([^<]*)<\/p>/),
  };
}

/** The value of a hidden form field of a page. */
export function hiddenField(html: string, name: string): string | undefined {
  return attribute(html, new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`));
}

export interface PageResult {
  status: number;
  html: string;
  headers: Headers;
  location: string | null;
}

/** A person's browser, reduced to what the /activate pages need: a cookie jar and forms. */
export class PageClient {
  private readonly jar = new CookieJar();

  constructor(readonly url: string) {}

  get(path: string): Promise<PageResult> {
    return this.request('GET', path);
  }

  post(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<PageResult> {
    return this.request('POST', path, form, headers);
  }

  private async request(
    method: string,
    path: string,
    form?: Record<string, string>,
    extra: Record<string, string> = {},
  ): Promise<PageResult> {
    const headers: Record<string, string> = { cookie: this.jar.header(), ...extra };
    if (form) headers['content-type'] ??= 'application/x-www-form-urlencoded';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    this.jar.take(response);
    return {
      status: response.status,
      html: await response.text(),
      headers: response.headers,
      location: response.headers.get('location'),
    };
  }

  /**
   * Fetches /activate (with the user code and invite, if any), signing in first when the page
   * asks: creates the first account when there is none, otherwise signs in, and registers (open
   * registration or invite) when the account does not exist. Returns the signed-in page.
   */
  async signedIn(
    credentials: Credentials & { invite?: string },
    userCode?: string,
  ): Promise<PageResult> {
    const query = new URLSearchParams();
    if (userCode) query.set('user_code', userCode);
    if (credentials.invite) query.set('invite', credentials.invite);
    const path = `/activate?${query}`;
    const start = await this.get(path);
    const kind = describePage(start.html).page;
    if (kind !== 'first-account' && kind !== 'sign-in') return start;

    const fields = {
      username: credentials.username,
      password: credentials.password,
      ...(userCode ? { user_code: userCode } : {}),
      ...(credentials.invite ? { invite: credentials.invite } : {}),
    };
    const register = () =>
      this.post('/activate/register', { ...fields, password_confirm: credentials.password });
    let result: PageResult;
    if (kind === 'first-account') {
      result = await register();
    } else {
      result = await this.post('/activate/sign-in', fields);
      if (result.status === 401 && result.html.includes('action="/activate/register"')) {
        result = await register();
      }
    }
    if (result.status !== 303) throw failure('signing in failed', result);
    return this.get(path);
  }
}

function failure(what: string, result: { status: number; html: string }): ActivationError {
  const { page: kind, code, notice } = describePage(result.html);
  return new ActivationError(
    `${what}: HTTP ${result.status} on the ${kind ?? 'unknown'} page${notice ? ` (${notice})` : ''}`,
    code,
  );
}

/**
 * Signed-in page clients by server, username and password, so a suite signing in many devices
 * pays for one password check (scrypt) per account rather than one per device.
 */
const signedIn = new Map<string, PageClient>();

function clientFor(url: string, credentials: Credentials): PageClient {
  const key = JSON.stringify([url, credentials.username, credentials.password]);
  let client = signedIn.get(key);
  if (!client) {
    client = new PageClient(url);
    signedIn.set(key, client);
  }
  return client;
}

/**
 * Approves (or denies) a pending device authorization the way a person would: through the
 * /activate HTML forms, with the session cookie and its CSRF token.
 */
export async function approveDeviceCode(
  url: string,
  userCode: string,
  options: Credentials & { decision?: 'approve' | 'deny'; invite?: string },
): Promise<void> {
  const client = clientFor(url, options);
  const confirm = await client.signedIn(options, userCode);
  const csrf = hiddenField(confirm.html, 'csrf_token');
  const code = hiddenField(confirm.html, 'user_code');
  if (describePage(confirm.html).page !== 'confirm' || !csrf || !code) {
    throw failure('the approval page did not show', confirm);
  }
  const decision = options.decision ?? 'approve';
  const result = await client.post('/activate/decision', {
    csrf_token: csrf,
    user_code: code,
    decision,
  });
  const expected = decision === 'approve' ? 'approved' : 'denied';
  if (result.status !== 200 || describePage(result.html).code !== expected) {
    throw failure(`the ${decision} decision failed`, result);
  }
}

/** As the owner, creates an invite link through the page; returns the invite token. */
export async function createInvite(url: string, owner: Credentials): Promise<string> {
  const client = clientFor(url, owner);
  const home = await client.signedIn(owner);
  const csrf = hiddenField(home.html, 'csrf_token');
  if (!csrf) throw failure('the signed-in page did not show', home);
  const result = await client.post('/activate/invite', { csrf_token: csrf });
  const link = attribute(result.html, /<div class="invite" data-invite-link>([^<]+)<\/div>/);
  const token = link ? new URL(link.replaceAll('&amp;', '&')).searchParams.get('invite') : null;
  if (result.status !== 200 || !token) throw failure('creating an invite failed', result);
  return token;
}

// ---------------------------------------------------------------------------------------------
// The whole device grant

export interface SignInDeviceOptions extends Credentials {
  deviceName?: string;
  platform?: string;
  clientId?: 'satchel-extension' | 'satchel-pwa' | 'satchel-cli';
  /** For a second account on an invite-only server. */
  invite?: string;
}

export class TokenPollError extends Error {
  readonly code = 'token_poll_failed';
  constructor(
    readonly oauthError: string,
    status: number,
  ) {
    super(`the token endpoint answered ${status} ${oauthError}`);
    this.name = 'TokenPollError';
  }
}

/** Starts a device authorization over HTTP (POST /v1/auth/device). */
export async function requestDeviceCode(
  url: string,
  options: { deviceName?: string; platform?: string; clientId?: string } = {},
): Promise<DeviceAuthorizationResponse> {
  const response = await fetch(`${url}/v1/auth/device`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: options.clientId ?? 'satchel-cli',
      device_name: options.deviceName ?? 'Test device',
      device_platform: options.platform ?? 'node',
    }),
  });
  if (response.status !== 200) {
    throw new Error(`POST /v1/auth/device answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as DeviceAuthorizationResponse;
}

/** One poll of the token endpoint with the device code, as a form (what OAuth clients send). */
export function pollToken(
  url: string,
  deviceCode: string,
  clientId = 'satchel-cli',
): Promise<Response> {
  return fetch(`${url}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: DEVICE_CODE_GRANT,
      device_code: deviceCode,
      client_id: clientId,
    }),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The whole grant: request a device code, approve it through /activate, poll the token endpoint
 * (honouring `interval` and slow_down) and return the tokens.
 */
export async function signInDevice(
  url: string,
  options: SignInDeviceOptions,
): Promise<TokenResponse> {
  const clientId = options.clientId ?? 'satchel-cli';
  const grant = await requestDeviceCode(url, {
    deviceName: options.deviceName,
    platform: options.platform,
    clientId,
  });
  await approveDeviceCode(url, grant.user_code, options);
  let interval = grant.interval;
  const deadline = Date.now() + grant.expires_in * 1000;
  while (Date.now() < deadline) {
    const response = await pollToken(url, grant.device_code, clientId);
    const body = (await response.json()) as TokenResponse | { error: string };
    if (response.status === 200) return body as TokenResponse;
    const error = (body as { error: string }).error;
    if (error === 'slow_down') interval += 5;
    else if (error !== 'authorization_pending') throw new TokenPollError(error, response.status);
    await sleep(interval * 1000);
  }
  throw new TokenPollError('expired_token', 400);
}

// ---------------------------------------------------------------------------------------------
// Looking beneath the store

/** Runs SQL on a test server's own database (PGlite in memory has no other way in). */
export async function queryServer<T>(
  server: Pick<TestServer, 'store'>,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return (await storeDb(server.store).query<T>(sql, params)).rows;
}

/**
 * Every row anywhere in the server's database that still names the account: its own row, and
 * each row of a table with an account_id column. Empty once the account is wholly deleted.
 */
export async function rowsOfAccount(
  server: Pick<TestServer, 'store'>,
  accountId: string,
): Promise<{ table: string; count: number }[]> {
  const tables = await queryServer<{ table_name: string }>(
    server,
    `SELECT table_name FROM information_schema.columns
      WHERE column_name = 'account_id' AND table_schema = current_schema()`,
  );
  const found: { table: string; count: number }[] = [];
  const own = await queryServer<{ n: number }>(
    server,
    'SELECT count(*)::int AS n FROM accounts WHERE id = $1',
    [accountId],
  );
  if ((own[0]?.n ?? 0) > 0) found.push({ table: 'accounts', count: own[0]?.n ?? 0 });
  for (const { table_name: table } of tables) {
    // Table names come from the catalogue, not from input.
    const [row] = await queryServer<{ n: number }>(
      server,
      `SELECT count(*)::int AS n FROM "${table}" WHERE account_id = $1`,
      [accountId],
    );
    if ((row?.n ?? 0) > 0) found.push({ table, count: row?.n ?? 0 });
  }
  return found;
}
