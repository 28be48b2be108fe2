/**
 * An invite-only server (REGISTRATION=invite) in real Chromium: the owner's first link comes from
 * the command line, the owner makes a link on /activate for a new person, who registers with it;
 * without a link (or with the spent one) nobody can register, and the page says why.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { runMain } from '../src/server/http/server-process';
import { startServer, type TestServer } from '../src/server/testing';
import { createOwnerAccount, type Person, pageKind } from './server/activate-page';

const OWNER: Person = { username: 'ada', password: 'a long owner password' };
const GUEST: Person = { username: 'grace', password: 'a long guest password' };

const test = base.extend<{ sut: { server: TestServer; ownerToken: string } }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  sut: async ({}, use) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'satchel-e2e-invites-'));
    // The owner bootstraps on the server's machine, before the server runs.
    const created = await runMain(['invite', 'create', '--data-dir', dataDir]);
    expect(created.code).toBe(0);
    const ownerToken = new URL(created.stdout.trim()).searchParams.get('invite') ?? '';
    const server = await startServer({ dataDir, config: { registration: 'invite' } });
    await use({ server, ownerToken });
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  },
});

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: join('test-results', 'screenshots', `${name}.png`),
    fullPage: true,
  });
}

test('invite-only: the owner registers with the command-line link and invites a person; without the link nobody registers', async ({
  browser,
  page,
  sut,
}) => {
  const { server, ownerToken } = sut;

  // Before anyone: the page explains, and offers no form that would only fail.
  await page.goto(`${server.url}/activate`);
  await expect(pageKind(page)).toHaveAttribute('data-page', 'invite-only');
  await expect(page.getByRole('heading', { name: 'This server is invite-only' })).toBeVisible();
  await expect(page.getByText('invite link from its owner')).toBeVisible();
  await expect(page.locator('form')).toHaveCount(0);
  await screenshot(page, 'invites-invite-only');

  // The owner opens the link the command printed and creates the owner account.
  await page.goto(`${server.url}/activate?invite=${ownerToken}`);
  await createOwnerAccount(page, OWNER);
  await expect(pageKind(page)).toHaveAttribute('data-page', 'enter-code');
  await page.getByRole('button', { name: 'Create invite link' }).click();
  await expect(pageKind(page)).toHaveAttribute('data-page', 'invite');
  const link = (await page.locator('[data-invite-link]').textContent())?.trim() ?? '';
  expect(link).toMatch(/\/activate\?invite=[A-Za-z0-9_-]{43}$/);
  await screenshot(page, 'invites-link-created');

  // The new person, in their own browser, opens the link and registers.
  const guest = await (await browser.newContext()).newPage();
  await guest.goto(link);
  await expect(guest.getByText('You were invited to this server.')).toBeVisible();
  const form = guest.locator('form[action="/activate/register"]');
  await form.getByLabel('Username').fill(GUEST.username);
  await form.locator('input[name="password"]').fill(GUEST.password);
  await form.getByLabel('Repeat password').fill(GUEST.password);
  await screenshot(guest, 'invites-register-with-link');
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(pageKind(guest)).toHaveAttribute('data-page', 'enter-code');
  await expect(guest.getByText(`Signed in as ${GUEST.username}`)).toBeVisible();
  const account = await server.store.findAccountByUsername(GUEST.username);
  expect(account?.role).toBe('member');

  // Someone else, without a link: told it is invite-only, with no registration form.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(`${server.url}/activate`);
  await expect(pageKind(stranger)).toHaveAttribute('data-page', 'sign-in');
  await expect(stranger.locator('[data-invite-only]')).toHaveText(
    'This server is invite-only: to create an account you need an invite link from its owner.',
  );
  await expect(stranger.locator('form[action="/activate/register"]')).toHaveCount(0);
  await screenshot(stranger, 'invites-refused-without-link');

  // And with the spent link: refused, saying why.
  const response = await stranger.goto(link);
  expect(response?.status()).toBe(403);
  await expect(pageKind(stranger)).toHaveAttribute('data-code', 'invite_spent');
  await expect(stranger.getByRole('alert')).toHaveText(
    'This invite link has already been used as many times as it allows. Ask the owner of this server for a new one.',
  );
  await expect(stranger.locator('form[action="/activate/register"]')).toHaveCount(0);
  await screenshot(stranger, 'invites-refused-spent-link');
  expect(await server.store.countAccounts()).toBe(2);
});
