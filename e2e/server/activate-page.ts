/**
 * What a person does on the server's /activate pages in a real browser: create the owner account
 * or sign in, type a code, and approve or deny. Each step waits for what the person would see.
 */
import { expect, type Page } from '@playwright/test';

export interface Person {
  username: string;
  password: string;
}

/** The page kind the server marks on <main>, e.g. `confirm`, `outcome`, `sign-in`. */
export function pageKind(page: Page) {
  return page.locator('main[data-page]');
}

export async function createOwnerAccount(page: Page, person: Person): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Create the owner account' })).toBeVisible();
  const form = page.locator('form[action="/activate/register"]');
  await form.getByLabel('Username').fill(person.username);
  await form.locator('input[name="password"]').fill(person.password);
  await form.getByLabel('Repeat password').fill(person.password);
  await form.getByRole('button', { name: 'Create account' }).click();
}

export async function signIn(page: Page, person: Person): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in to connect a device' })).toBeVisible();
  const form = page.locator('form[action="/activate/sign-in"]');
  await form.getByLabel('Username').fill(person.username);
  await form.getByLabel('Password').fill(person.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

/** On the "Connect this device?" page: checks what it shows about the device. */
export async function expectConfirmPage(
  page: Page,
  expected: { userCode: string; deviceName: string; platform: string },
): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Connect this device?' })).toBeVisible();
  await expect(page.locator('[data-user-code]')).toHaveText(expected.userCode);
  await expect(page.locator('[data-field="device-name"]')).toHaveText(expected.deviceName);
  await expect(page.locator('[data-field="platform"]')).toHaveText(expected.platform);
  // The device asked from this machine; the person compares the address with where they are.
  await expect(page.locator('[data-field="ip"]')).toHaveText('127.0.0.1');
}

export async function decide(page: Page, decision: 'Approve' | 'Deny'): Promise<void> {
  await page.getByRole('button', { name: decision, exact: true }).click();
  await expect(pageKind(page)).toHaveAttribute('data-page', 'outcome');
}

/** The outcome page's heading and sentence, as the person reads them. */
export async function expectOutcome(
  page: Page,
  outcome: string,
  heading: string,
  sentence: RegExp,
): Promise<void> {
  await expect(pageKind(page)).toHaveAttribute('data-code', outcome);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(page.locator(`[data-outcome="${outcome}"]`)).toHaveText(sentence);
}
