/**
 * Connecting the app the way a person does: Connect on the status screen, then the server's real
 * /activate pages in the tab the app opens, then the key step back in the app.
 */
import type { Page } from '@playwright/test';
import { checkAndConnect, connectNewAccount, expectInSync, unlockWith } from '../extension/connect';
import { launchProfile } from '../extension/fixtures';
import { createProfile } from '../extension/records';
import type { Person } from '../extension/sync-server';
import { newPerson } from '../extension/sync-server';
import { type AppProfile, expect, PHONE } from './fixtures';

/** Checks the server and connects (the address defaults to the app's own); returns the tab. */
export async function startAppConnect(
  app: AppProfile,
  page: Page,
  serverUrl: string,
): Promise<{ tab: Page; userCode: string }> {
  await expect(page.getByRole('heading', { name: 'Not connected' })).toBeVisible();
  await expect(page.getByLabel('Sync server')).toHaveValue(serverUrl);
  const opened = app.context.waitForEvent('page');
  await checkAndConnect(page);
  const tab = await opened;
  await tab.waitForURL(`${serverUrl}/activate**`);
  const userCode = (await page.getByTestId('user-code').textContent())?.trim() ?? '';
  expect(userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
  return { tab, userCode };
}

/** On /activate: registers a new person or signs in an existing one, checks the code, approves. */
export async function approveInTab(
  tab: Page,
  userCode: string,
  person: Person,
  account: 'new' | 'existing',
): Promise<void> {
  if (account === 'new') {
    const register = tab.locator('form[action="/activate/register"]');
    await register.getByLabel('Username').fill(person.username);
    await register.locator('input[name="password"]').fill(person.password);
    await register.getByLabel('Repeat password').fill(person.password);
    await register.getByRole('button', { name: /Create account/ }).click();
  } else {
    const signIn = tab.locator('form[action="/activate/sign-in"]');
    await signIn.getByLabel('Username').fill(person.username);
    await signIn.getByLabel('Password').fill(person.password);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
  }
  await expect(tab.getByRole('heading', { name: 'Connect this device?' })).toBeVisible();
  await expect(tab.locator('[data-user-code]')).toHaveText(userCode);
  await expect(tab.locator('[data-field="device-name"]')).toHaveText(/^Satchel app \(/);
  await tab.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(tab.locator('main[data-page="outcome"]')).toHaveAttribute('data-code', 'approved');
}

/** The extension with a profile "Shared", and the app signed in to the same account. */
export async function extensionAndApp(app: AppProfile, serverUrl: string) {
  const person = newPerson();
  const extension = await launchProfile();
  const { popup, recoveryKey } = await connectNewAccount(extension, serverUrl, person);
  const options = await extension.openOptions('records');
  await createProfile(options, {
    name: 'Shared',
    provider: 'openai',
    model: 'gpt-4o',
    apiKey: 'sk-first',
  });
  await popup.bringToFront();
  await expectInSync(popup);

  const page = await app.open(serverUrl, '/', PHONE);
  const { tab, userCode } = await startAppConnect(app, page, serverUrl);
  await approveInTab(tab, userCode, person, 'existing');
  await tab.close();
  await unlockWith(page, recoveryKey);
  await expectInSync(page);
  return { extension, popup, options, page };
}
