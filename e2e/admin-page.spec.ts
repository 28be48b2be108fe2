/**
 * The admin page in real Chromium against a stubbed /admin/api (served by the real server, with
 * its headers): at phone width in dark mode, the typed confirmation, the session-expired state
 * and the sign-in link. The real API's whole flow is e2e/admin.spec.ts.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test as base, expect, type Page, type Route } from '@playwright/test';
import { startServer, type TestServer } from '../src/server/testing';
import { screenshot } from './extension/fixtures';

const ADMIN_DIR = resolve(import.meta.dirname, '../dist/admin');
const HOUR = 3_600_000;
const now = Date.now();

/** What the stub answers; a test changes it to make the next answer different. */
interface Stub {
  signedIn: boolean;
  /** Answer every data request with 401, as an ended session does. */
  expired: boolean;
  requests: { method: string; path: string; csrf: string | null; body: unknown }[];
}

const OVERVIEW = {
  accounts: 2,
  devices: 3,
  records: 41,
  bytes: 1_572_864,
  registration: 'first-user',
  recentErrors: [
    {
      at: now - 5 * 60_000,
      status: 401,
      code: 'invalid_token',
      method: 'GET',
      path: '/v1/changes',
    },
  ],
  rateLimitHits: [{ at: now - 2 * HOUR, scope: 'sign_in_address', count: 7 }],
};
const ACCOUNTS = [
  {
    id: 'a1',
    username: 'ada',
    role: 'owner',
    createdAt: now - 30 * 24 * HOUR,
    lastSeenAt: now - 60_000,
    devices: 2,
    records: 40,
    bytes: 1_500_000,
    keyEpoch: 2,
    disabledAt: null,
  },
  {
    id: 'a2',
    username: 'grace',
    role: 'member',
    createdAt: now - 3 * 24 * HOUR,
    lastSeenAt: null,
    devices: 1,
    records: 1,
    bytes: 72_864,
    keyEpoch: 1,
    disabledAt: null,
  },
];
const DEVICES = [
  {
    id: 'd1',
    name: 'Chrome on Linux',
    platform: 'linux',
    clientId: 'satchel-extension',
    createdAt: now - 3 * 24 * HOUR,
    lastSeenAt: now - 10 * 60_000,
    revokedAt: null,
  },
  {
    id: 'd2',
    name: 'Old phone',
    platform: 'android',
    clientId: 'satchel-pwa',
    createdAt: now - 20 * 24 * HOUR,
    lastSeenAt: now - 9 * 24 * HOUR,
    revokedAt: now - 8 * 24 * HOUR,
  },
];
const INVITES = [
  {
    id: '3f9a1c20b7',
    createdBy: 'a1',
    createdAt: now - HOUR,
    expiresAt: now + 6 * 24 * HOUR,
    maxUses: 1,
    useCount: 1,
    revokedAt: null,
    state: 'spent',
    uses: [{ accountId: 'a2', username: 'grace', usedAt: now - HOUR / 2 }],
  },
];
const AUDIT = [
  { at: now - 60_000, actor: 'ada', action: 'device.revoke', target: 'd2', detail: null },
  {
    at: now - HOUR,
    actor: 'ada',
    action: 'invite.create',
    target: '3f9a1c20b7',
    detail: { uses: 1 },
  },
];

function json(route: Route, status: number, body?: unknown): Promise<void> {
  if (body === undefined) return route.fulfill({ status });
  const problem = status >= 400;
  return route.fulfill({
    status,
    contentType: problem ? 'application/problem+json' : 'application/json',
    body: JSON.stringify(body),
  });
}

/** The admin API as the contract says, from fixed data. */
async function stubApi(page: Page, stub: Stub): Promise<void> {
  await page.route('**/admin/api/**', async (route) => {
    const request = route.request();
    const path = new URL(request.url()).pathname.replace('/admin/api', '');
    const method = request.method();
    stub.requests.push({
      method,
      path,
      csrf: await request.headerValue('x-csrf-token'),
      body: request.postDataJSON(),
    });
    const session = { username: 'ada', csrfToken: 'csrf-1' };
    const unauthorized = { code: 'invalid_token', status: 401, title: 'Unauthorized', detail: '' };
    if (path === '/session') {
      if (method === 'POST') {
        stub.signedIn = true;
        return json(route, 200, session);
      }
      if (method === 'DELETE') {
        stub.signedIn = false;
        return json(route, 204);
      }
      return stub.signedIn ? json(route, 200, session) : json(route, 401, unauthorized);
    }
    if (!stub.signedIn || stub.expired) return json(route, 401, unauthorized);
    if (method !== 'GET') return json(route, path === '/invites' ? 201 : 204, newInvite(path));
    const answers: Record<string, unknown> = {
      '/overview': OVERVIEW,
      '/accounts': ACCOUNTS,
      '/accounts/a2/devices': DEVICES,
      '/invites': INVITES,
      '/audit': AUDIT,
    };
    return path in answers
      ? json(route, 200, answers[path])
      : json(route, 404, { code: 'not_found' });
  });
}

function newInvite(path: string): unknown {
  if (path !== '/invites') return undefined;
  return {
    id: '77aa00bb11',
    link: 'http://127.0.0.1/activate?invite=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ',
    uses: 2,
    expiresAt: now + 24 * HOUR,
  };
}

const test = base.extend<{ server: TestServer; stub: Stub }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  server: async ({}, use) => {
    if (!existsSync(join(ADMIN_DIR, 'index.html'))) {
      throw new Error('No admin page build in dist/admin: run `npm run build` first');
    }
    const server = await startServer({ config: { adminDir: ADMIN_DIR } });
    await use(server);
    await server.close();
  },
  stub: async ({ page }, use) => {
    const stub: Stub = { signedIn: false, expired: false, requests: [] };
    // The server's CSP must let the page run: any refusal is a failure.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) throw new Error(message.text());
    });
    await stubApi(page, stub);
    await use(stub);
  },
});

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Username').fill('ada');
  await page.getByLabel('Password').fill('a long owner password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

async function expectNoSideways(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(page.viewportSize()?.width ?? 0);
}

test('every screen fits a 375 px phone in dark mode', async ({ page, server, stub }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${server.url}/admin/`);
  await expect(page.getByRole('heading', { name: 'Sign in to Satchel admin' })).toBeVisible();
  await screenshot(page, 'admin-stub-sign-in-375-dark');
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeFocused();
  await expect(page.getByTestId('totals')).toContainText('1.5 MB');
  await expectNoSideways(page);
  await screenshot(page, 'admin-stub-overview-375-dark');

  await page.getByRole('link', { name: 'Accounts' }).click();
  await expect(page.locator('tr[data-account="grace"]')).toContainText('71 KB');
  await expectNoSideways(page);
  await screenshot(page, 'admin-stub-accounts-375-dark');

  await page.getByRole('link', { name: 'grace’s devices' }).click();
  await expect(page.getByRole('heading', { name: 'grace’s devices' })).toBeFocused();
  await expect(page.locator('tr[data-device="Old phone"]')).toContainText('revoked');
  await expectNoSideways(page);
  await screenshot(page, 'admin-stub-devices-375-dark');

  await page.getByRole('link', { name: 'Invites' }).click();
  await page.getByLabel('Accounts it may create').fill('2');
  await page.getByLabel('Expires after').selectOption({ label: '1 day' });
  await page.getByRole('button', { name: 'Create invite link' }).click();
  await expect(page.getByTestId('invite-link')).toHaveValue(/invite=/);
  await expectNoSideways(page);
  await screenshot(page, 'admin-stub-invites-375-dark');
  const created = stub.requests.find((r) => r.method === 'POST' && r.path === '/invites');
  expect(created).toMatchObject({ csrf: 'csrf-1', body: { uses: 2, expiresInS: 86_400 } });

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByText('invite.create')).toBeVisible();
  await expectNoSideways(page);
  await screenshot(page, 'admin-stub-audit-375-dark');
});

test('delete waits for the username typed exactly; Escape cancels', async ({
  page,
  server,
  stub,
}) => {
  await page.goto(`${server.url}/admin/#accounts`);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Accounts' })).toBeFocused();
  const row = page.locator('tr[data-account="grace"]');
  await row.getByRole('button', { name: 'Delete grace' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete grace?' });
  const confirm = dialog.getByRole('button', { name: 'Delete account' });
  const typed = dialog.getByLabel('Type grace to confirm');
  await expect(typed).toBeFocused();
  await expect(confirm).toBeDisabled();
  await typed.fill('Grace');
  await expect(confirm).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(stub.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/accounts'))).toBe(
    false,
  );

  await row.getByRole('button', { name: 'Delete grace' }).click();
  await dialog.getByLabel('Type grace to confirm').fill('grace');
  await screenshot(page, 'admin-stub-delete-confirm');
  await dialog.getByRole('button', { name: 'Delete account' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'were deleted' })).toBeFocused();
  const deleted = stub.requests.find((r) => r.method === 'DELETE');
  expect(deleted).toMatchObject({
    path: '/accounts/a2',
    csrf: 'csrf-1',
    body: { confirm: 'grace' },
  });
});

test('an ended session goes back to sign-in and says so', async ({ page, server, stub }) => {
  await page.goto(`${server.url}/admin/`);
  await signIn(page);
  await expect(page.getByTestId('totals')).toBeVisible();
  stub.expired = true;
  await page.getByRole('link', { name: 'Accounts' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Satchel admin' })).toBeVisible();
  await expect(page.locator('[data-code="session_expired"]')).toContainText('session ended');
  await screenshot(page, 'admin-stub-session-expired');
});

test('a sign-in link is used once and taken out of the address', async ({ page, server, stub }) => {
  await page.goto(`${server.url}/admin/?link=one-time-token`);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  expect(new URL(page.url()).search).toBe('');
  const post = stub.requests.find((r) => r.method === 'POST' && r.path === '/session');
  expect(post?.body).toEqual({ link: 'one-time-token' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Satchel admin' })).toBeVisible();
});

test('a sign-in link opened while already signed in is taken out of the address too', async ({
  page,
  server,
  stub,
}) => {
  stub.signedIn = true;
  await page.goto(`${server.url}/admin/?link=one-time-token`);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  expect(new URL(page.url()).search).toBe('');
  expect(stub.requests.some((r) => r.method === 'POST' && r.path === '/session')).toBe(false);
  // Signing out afterwards does not spend the link the page was opened with.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Satchel admin' })).toBeVisible();
  expect(stub.requests.some((r) => r.method === 'POST' && r.path === '/session')).toBe(false);
});
