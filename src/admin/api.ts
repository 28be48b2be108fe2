/**
 * A small typed client of the server's admin API (/admin/api/*). The session is an HttpOnly
 * cookie the page never sees; every request that changes something also carries the session's
 * CSRF token in `x-csrf-token`. Failures are `AdminApiError`s with the problem's stable `code`.
 * A 401 outside signing in means the session ended: the client says so once through
 * `onSessionExpired`, so every screen falls back to the sign-in form the same way.
 */
import type { Problem } from '../protocol/errors';

export type RegistrationMode = 'first-user' | 'invite' | 'open';

export interface Session {
  username: string;
  csrfToken: string;
}

/** Times are what the server sends: epoch milliseconds or ISO strings (see `toMs`). */
export type Instant = number | string;

export interface Overview {
  accounts: number;
  devices: number;
  records: number;
  bytes: number;
  registration: RegistrationMode;
  recentErrors: { at: Instant; status: number; code: string; method: string; path: string }[];
  rateLimitHits: { at: Instant; scope: string; count: number }[];
}

export interface Account {
  id: string;
  username: string;
  role: string;
  createdAt: Instant;
  lastSeenAt: Instant | null;
  devices: number;
  records: number;
  bytes: number;
  keyEpoch: number | null;
  disabledAt: Instant | null;
}

export interface Device {
  id: string;
  name: string;
  platform: string;
  clientId: string;
  createdAt: Instant;
  lastSeenAt: Instant | null;
  revokedAt: Instant | null;
}

/** An invite as listed: src/server/store/types.ts `Invite`; its link is shown only when made. */
export interface Invite {
  id: string;
  createdBy: string | null;
  createdAt: Instant;
  expiresAt: Instant;
  maxUses: number;
  useCount: number;
  revokedAt: Instant | null;
  state: 'usable' | 'unknown' | 'expired' | 'revoked' | 'spent';
  uses?: { accountId: string | null; username: string; usedAt: Instant }[];
}

export interface CreatedInvite {
  id: string;
  link: string;
  uses: number;
  expiresAt: Instant;
}

export interface AuditEntry {
  at: Instant;
  actor: string | null;
  action: string;
  target: string | null;
  detail: unknown;
}

export class AdminApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** Epoch milliseconds of an `Instant`. */
export function toMs(at: Instant): number {
  return typeof at === 'number' ? at : Date.parse(at);
}

export type SignInWith = { username: string; password: string } | { link: string };

export interface AdminApi {
  /** The current session, or null when there is none (the sign-in form shows). */
  session(): Promise<Session | null>;
  signIn(credentials: SignInWith): Promise<Session>;
  signOut(): Promise<void>;
  overview(): Promise<Overview>;
  accounts(): Promise<Account[]>;
  devices(accountId: string): Promise<Device[]>;
  setAccountDisabled(accountId: string, disabled: boolean): Promise<void>;
  deleteAccount(accountId: string, username: string): Promise<void>;
  revokeDevice(deviceId: string): Promise<void>;
  invites(): Promise<Invite[]>;
  createInvite(input: { uses: number; expiresInS: number }): Promise<CreatedInvite>;
  revokeInvite(inviteId: string): Promise<void>;
  setRegistration(mode: RegistrationMode): Promise<void>;
  audit(): Promise<AuditEntry[]>;
}

const BASE = '/admin/api';

interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Signing in: a 401 means wrong credentials, not an ended session. */
  signingIn?: boolean;
}

export function createAdminApi(options: { onSessionExpired(): void }): AdminApi {
  let csrfToken = '';

  async function request<T>(path: string, call: Call = {}): Promise<T> {
    const method = call.method ?? 'GET';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${BASE}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
    } catch {
      throw new AdminApiError('network_unreachable', 0, 'The server could not be reached.');
    }
    if (response.ok) {
      if (response.status === 204) return undefined as T;
      try {
        return (await response.json()) as T;
      } catch {
        throw new AdminApiError('bad_response', response.status, 'The answer was not JSON.');
      }
    }
    const problem = await readProblem(response);
    if (response.status === 401 && !call.signingIn) {
      csrfToken = '';
      options.onSessionExpired();
      throw new AdminApiError('session_expired', 401, problem.detail ?? 'The session ended.');
    }
    throw new AdminApiError(
      problem.code ?? `http_${response.status}`,
      response.status,
      problem.detail ?? problem.title ?? response.statusText,
    );
  }

  const remember = (session: Session): Session => {
    csrfToken = session.csrfToken;
    return session;
  };

  return {
    async session() {
      try {
        return remember(await request<Session>('/session', { signingIn: true }));
      } catch (error) {
        if (error instanceof AdminApiError && error.status === 401) return null;
        // No route at all: a server without the admin API (older, or built without it).
        if (error instanceof AdminApiError && error.status === 404) {
          throw new AdminApiError('no_admin_api', 404, error.message);
        }
        throw error;
      }
    },
    async signIn(credentials) {
      try {
        return remember(
          await request<Session>('/session', {
            method: 'POST',
            body: credentials,
            signingIn: true,
          }),
        );
      } catch (error) {
        // The server answers every refusal alike (invalid_token) so it tells nothing about which
        // part was wrong; here that means the credentials, not an ended session.
        if (error instanceof AdminApiError && error.status === 401) {
          throw new AdminApiError('invalid_credentials', 401, error.message);
        }
        throw error;
      }
    },
    async signOut() {
      await request<void>('/session', { method: 'DELETE', signingIn: true });
      csrfToken = '';
    },
    overview: () => request('/overview'),
    accounts: () => request('/accounts'),
    devices: (accountId) => request(`/accounts/${encodeURIComponent(accountId)}/devices`),
    setAccountDisabled: (accountId, disabled) =>
      request(`/accounts/${encodeURIComponent(accountId)}/${disabled ? 'disable' : 'enable'}`, {
        method: 'POST',
      }),
    deleteAccount: (accountId, username) =>
      request(`/accounts/${encodeURIComponent(accountId)}`, {
        method: 'DELETE',
        body: { confirm: username },
      }),
    revokeDevice: (deviceId) =>
      request(`/devices/${encodeURIComponent(deviceId)}/revoke`, { method: 'POST' }),
    invites: () => request('/invites'),
    createInvite: (input) => request('/invites', { method: 'POST', body: input }),
    revokeInvite: (inviteId) =>
      request(`/invites/${encodeURIComponent(inviteId)}`, { method: 'DELETE' }),
    setRegistration: (mode) => request('/registration', { method: 'PUT', body: { mode } }),
    audit: () => request('/audit'),
  };
}

/** The problem+json body of a failure, or nothing when the body is something else. */
async function readProblem(response: Response): Promise<Partial<Problem> & { code?: string }> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? body : {};
  } catch {
    return {};
  }
}
