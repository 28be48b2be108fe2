/**
 * The owner's admin page against the real server in real Chromium: the owner account made on
 * /activate signs in at /admin/, makes registration invite-only, invites a person who registers
 * with the link (and nobody registers without one), sees that person's devices (one an extension
 * profile connected through the real device grant), revokes the extension's device (its popup
 * says it was signed out), then disables and deletes the account, which leaves no row of it in
 * the server's database.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { rowsOfAccount, signInDevice, type TestServer } from '../src/server/testing';
import { connectNewAccount } from './extension/connect';
import { expect, screenshot, test } from './extension/fixtures';
import { startSyncServer } from './extension/sync-server';
import { createOwnerAccount, pageKind } from './server/activate-page';

const ADMIN_DIR = resolve(import.meta.dirname, '../dist/admin');
const OWNER = { username: 'ada', password: 'a long owner password' };
const GUEST = { username: 'grace', password: 'a long guest password' };

let server: TestServer;
test.beforeAll(async () => {
  if (!existsSync(join(ADMIN_DIR, 'index.html'))) {
    throw new Error('No admin page build in dist/admin: run `npm run build` first');
  }
  server = await startSyncServer({ registration: 'first-user', adminDir: ADMIN_DIR });
});
test.afterAll(async () => {
  await server?.close();
});

async function signInToAdmin(page: Page): Promise<void> {
  await page.goto(`${server.url}/admin`);
  await expect(page).toHaveURL(`${server.url}/admin/`);
  await expect(page.getByRole('heading', { name: 'Sign in to Satchel admin' })).toBeVisible();
  await page.getByLabel('Username').fill(OWNER.username);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeFocused();
}

async function openSection(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('link', { name })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
}

test('the owner runs the server from /admin: invites, devices, revoke, disable, delete', async ({
  browser,
  page,
  profile,
}) => {
  test.setTimeout(240_000);

  // The first account, made on /activate, is the owner.
  await page.goto(`${server.url}/activate`);
  await createOwnerAccount(page, OWNER);
  await expect(pageKind(page)).toHaveAttribute('data-page', 'enter-code');
  await signInToAdmin(page);
  await expect(page.getByTestId('totals')).toContainText('Accounts1');
  await screenshot(page, 'admin-overview');

  // Registration becomes invite-only from the overview.
  await page.getByRole('radio', { name: /Invite only/ }).check();
  await page.getByRole('button', { name: 'Save registration' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Invite only' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Invite only/ })).toBeChecked();
  await screenshot(page, 'admin-registration-invite');

  // An invite for one person, its link shown once.
  await openSection(page, 'Invites');
  await page.getByLabel('Accounts it may create').fill('1');
  await page.getByLabel('Expires after').selectOption({ label: '1 day' });
  await page.getByRole('button', { name: 'Create invite link' }).click();
  const link = await page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(/\/activate\?invite=[A-Za-z0-9_-]{43}$/);
  await expect(page.locator('tr[data-invite]')).toHaveCount(1);
  await screenshot(page, 'admin-invites');

  // The person registers with the link in their own browser.
  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  await guest.goto(link);
  const form = guest.locator('form[action="/activate/register"]');
  await form.getByLabel('Username').fill(GUEST.username);
  await form.locator('input[name="password"]').fill(GUEST.password);
  await form.getByLabel('Repeat password').fill(GUEST.password);
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(pageKind(guest)).toHaveAttribute('data-page', 'enter-code');
  await guestContext.close();

  // Without a link nobody registers: there is no form, and the spent link is refused.
  const strangerContext = await browser.newContext();
  const stranger = await strangerContext.newPage();
  await stranger.goto(`${server.url}/activate`);
  await expect(pageKind(stranger)).toHaveAttribute('data-page', 'sign-in');
  await expect(stranger.locator('form[action="/activate/register"]')).toHaveCount(0);
  expect((await stranger.goto(link))?.status()).toBe(403);
  await strangerContext.close();
  expect(await server.store.countAccounts()).toBe(2);

  // The person's devices: the extension through the real device grant, and a spare one.
  const { popup } = await connectNewAccount(profile, server.url, GUEST);
  await signInDevice(server.url, { ...GUEST, deviceName: 'Spare laptop', platform: 'linux' });
  const account = await server.store.findAccountByUsername(GUEST.username);
  if (!account) throw new Error('the invited account was not created');

  await openSection(page, 'Accounts');
  const row = page.locator(`tr[data-account="${GUEST.username}"]`);
  await expect(row).toContainText('2 devices');
  await expect(row).toContainText('active');
  await screenshot(page, 'admin-accounts');
  await row.getByRole('link', { name: `${GUEST.username}’s devices` }).click();
  await expect(page.getByRole('heading', { name: `${GUEST.username}’s devices` })).toBeFocused();
  const extensionRow = page.locator('tr[data-device]').filter({ hasText: 'Browser extension' });
  await expect(extensionRow).toHaveCount(1);
  await expect(page.locator('tr[data-device="Spare laptop"]')).toContainText('Command line');
  await screenshot(page, 'admin-account-devices');

  // Revoking the extension's device signs that profile out.
  await extensionRow.getByRole('button', { name: /^Revoke/ }).click();
  const revoke = page.getByRole('dialog', { name: /^Revoke / });
  await expect(revoke.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await revoke.getByRole('button', { name: 'Revoke device' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'was revoked' })).toBeFocused();
  // The server lists live devices only: the revoked one leaves the list.
  await expect(extensionRow).toHaveCount(0);
  await expect(page.locator('tr[data-device="Spare laptop"]')).toContainText('active');
  await screenshot(page, 'admin-device-revoked');
  await popup.bringToFront();
  await popup.reload();
  await expect(popup.locator('[role="alert"][data-code="device_revoked"]')).toBeVisible({
    timeout: 30_000,
  });
  await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible();
  await screenshot(popup, 'admin-extension-signed-out');

  // Disable, then delete with the username typed.
  await page.bringToFront();
  await page.getByRole('link', { name: '← All accounts' }).click();
  await row.getByRole('button', { name: `Disable ${GUEST.username}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disable account' }).click();
  await expect(row).toContainText('disabled');
  await screenshot(page, 'admin-account-disabled');

  await row.getByRole('button', { name: `Delete ${GUEST.username}` }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${GUEST.username}?` });
  const confirm = dialog.getByRole('button', { name: 'Delete account' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(`Type ${GUEST.username} to confirm`).fill(GUEST.username);
  await expect(confirm).toBeEnabled();
  await screenshot(page, 'admin-delete-confirm');
  await confirm.click();
  await expect(page.getByRole('status').filter({ hasText: 'were deleted' })).toBeFocused();
  await expect(row).toHaveCount(0);
  await screenshot(page, 'admin-account-deleted');
  expect(await rowsOfAccount(server, account.id)).toEqual([]);

  // What happened, newest first.
  await openSection(page, 'Audit log');
  await expect(page.locator('tbody tr').first()).toBeVisible();
  await screenshot(page, 'admin-audit');
});
