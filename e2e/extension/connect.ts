/**
 * Signing a browser profile in the way a person does: "Connect" in the popup, then the sign-in
 * page the extension opens in a new tab (the server's real /activate pages), then the popup's key
 * step. Each step checks what the person would see.
 */
import type { Page } from '@playwright/test';
import { expect, type Profile } from './fixtures';
import type { Person } from './sync-server';

/**
 * The connect form's two steps as a person takes them: "Check server" (it must answer as a
 * Satchel server), then Connect under the suggested device name.
 */
export async function checkAndConnect(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Check server' }).click();
  await expect(page.getByTestId('server-checked')).toBeVisible();
  await expect(page.getByLabel('Device name')).not.toHaveValue('');
  await page.getByRole('button', { name: /^(Connect|Sign in again)$/ }).click();
}

/** Types the server address in the popup and connects; returns the sign-in tab. */
export async function startConnect(
  profile: Profile,
  popup: Page,
  serverUrl: string,
): Promise<Page> {
  await expect(popup.getByRole('heading', { name: 'Not connected' })).toBeVisible();
  await popup.getByLabel('Sync server').fill(serverUrl);
  const tab = profile.context.waitForEvent('page');
  await checkAndConnect(popup);
  const page = await tab;
  await page.waitForURL(`${serverUrl}/activate**`);
  await expect(popup.getByTestId('user-code')).toBeVisible();
  return page;
}

/** On the /activate tab: registers or signs in, checks the code matches the popup's, decides. */
export async function decideInTab(
  tab: Page,
  userCode: string,
  person: Person,
  decision: 'Approve' | 'Deny' = 'Approve',
): Promise<void> {
  const register = tab.locator('form[action="/activate/register"]');
  const signIn = tab.locator('form[action="/activate/sign-in"]');
  await expect(register.or(signIn).first()).toBeVisible();
  if (await signIn.isVisible()) {
    await signIn.getByLabel('Username').fill(person.username);
    await signIn.getByLabel('Password').fill(person.password);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    // An unknown username: this person is new, so they create their account instead.
    if (await tab.getByRole('alert').isVisible()) {
      await register.getByLabel('Username').fill(person.username);
      await register.getByLabel('Password', { exact: false }).first().fill(person.password);
      await register.getByLabel('Repeat password').fill(person.password);
      await register.getByRole('button', { name: 'Create account' }).click();
    }
  } else {
    await register.getByLabel('Username').fill(person.username);
    await register.locator('input[name="password"]').fill(person.password);
    await register.getByLabel('Repeat password').fill(person.password);
    await register.getByRole('button', { name: /Create account/ }).click();
  }
  await expect(tab.getByRole('heading', { name: 'Connect this device?' })).toBeVisible();
  await expect(tab.locator('[data-user-code]')).toHaveText(userCode);
  await tab.getByRole('button', { name: decision, exact: true }).click();
  await expect(tab.locator('main[data-page="outcome"]')).toBeVisible();
}

export async function userCodeIn(popup: Page): Promise<string> {
  const code = (await popup.getByTestId('user-code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
  return code;
}

/** A new account's first device: creates the key, returns the recovery key it showed once. */
export async function createKey(popup: Page): Promise<string> {
  await popup.getByRole('button', { name: 'Create my key' }).click();
  const key = (await popup.getByTestId('recovery-key').textContent())?.trim() ?? '';
  expect(key.length).toBeGreaterThan(20);
  const done = popup.getByRole('button', { name: 'Continue' });
  await expect(done).toBeDisabled();
  await popup.getByLabel('I have saved my recovery key somewhere safe').check();
  await done.click();
  return key;
}

export async function unlockWith(popup: Page, recoveryKey: string): Promise<void> {
  await expect(popup.getByRole('heading', { name: 'Unlock your settings' })).toBeVisible();
  await popup.getByRole('textbox', { name: 'Recovery key' }).fill(recoveryKey);
  await popup.getByRole('button', { name: 'Unlock', exact: true }).click();
}

/** The popup's overview, settled: nothing waiting and the last run succeeded. */
export async function expectInSync(popup: Page): Promise<void> {
  await expect(popup.getByTestId('status')).toHaveAttribute('data-phase', 'idle', {
    timeout: 20_000,
  });
  await expect(popup.getByTestId('count-pending')).toHaveText('0', { timeout: 20_000 });
  await expect(popup.getByTestId('status')).toHaveText('In sync');
}

/** The whole first-device flow: connect, approve in the tab, create the key. */
export async function connectNewAccount(
  profile: Profile,
  serverUrl: string,
  person: Person,
): Promise<{ popup: Page; recoveryKey: string }> {
  const popup = await profile.openPopup();
  const tab = await startConnect(profile, popup, serverUrl);
  await decideInTab(tab, await userCodeIn(popup), person);
  await tab.close();
  await expect(popup.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  const recoveryKey = await createKey(popup);
  await expectInSync(popup);
  return { popup, recoveryKey };
}

/** Another device of an existing account: connect, approve, unlock with the recovery key. */
export async function connectExistingAccount(
  profile: Profile,
  serverUrl: string,
  person: Person,
  recoveryKey: string,
): Promise<Page> {
  const popup = await profile.openPopup();
  const tab = await startConnect(profile, popup, serverUrl);
  await decideInTab(tab, await userCodeIn(popup), person);
  await tab.close();
  await unlockWith(popup, recoveryKey);
  await expectInSync(popup);
  return popup;
}
