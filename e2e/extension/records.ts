/**
 * Editing settings data as a person does: in the extension's options page, or on the app's records
 * page, which shows the same screens.
 */
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export interface ProfileFields {
  name: string;
  provider?: string;
  model?: string;
  apiKey?: string;
}

export async function createProfile(options: Page, fields: ProfileFields): Promise<void> {
  await options.getByRole('tab', { name: /Profiles/ }).click();
  await options.getByRole('button', { name: 'New', exact: true }).click();
  await fillProfile(options, fields);
  await options.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(options.getByRole('heading', { name: 'Edit profile' })).toBeVisible();
}

export async function fillProfile(options: Page, fields: Partial<ProfileFields>): Promise<void> {
  const form = options.locator('form[aria-labelledby="record-form-title"]');
  if (fields.name !== undefined) await form.getByLabel('Name', { exact: true }).fill(fields.name);
  if (fields.provider !== undefined) await form.getByLabel('Provider').fill(fields.provider);
  if (fields.model !== undefined) await form.getByLabel('Model').fill(fields.model);
  if (fields.apiKey !== undefined) await form.locator('#field-apiKey').fill(fields.apiKey);
}

/** Opens a profile from the list by its name. */
export async function openProfile(options: Page, name: string): Promise<void> {
  await options.getByRole('tab', { name: /Profiles/ }).click();
  await options.getByRole('list', { name: 'Profiles' }).getByRole('button', { name }).click();
  await expect(options.getByRole('heading', { name: 'Edit profile' })).toBeVisible();
}

export async function editProfile(
  options: Page,
  name: string,
  fields: Partial<ProfileFields>,
): Promise<void> {
  await openProfile(options, name);
  await fillProfile(options, fields);
  await options.getByRole('button', { name: 'Save', exact: true }).click();
  // The click only sends the edit: until the list shows it, the worker may not have queued it
  // yet, and a status read now would still be the one from before the edit.
  if (fields.name !== undefined) {
    await expect(
      options.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: fields.name }),
    ).toBeVisible();
  }
}

/** Opens the profile and reads its API key from the form, revealed. */
export async function revealedApiKey(page: Page, name: string): Promise<string> {
  await openProfile(page, name);
  await page.getByRole('button', { name: 'Reveal API key' }).click();
  return page.locator('#field-apiKey').inputValue();
}
