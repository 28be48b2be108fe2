/**
 * Everyday use in the app (issue 15): the provider is picked from Providers (and added from the
 * profile form when it is not there yet), lists say what each profile is without showing its
 * key, a profile is used without opening it (its key, or environment lines, JSON or curl, read
 * back here from the real clipboard), and one search looks through every collection.
 */
import type { TestServer } from '../../src/server/testing';
import { createKey, expectInSync } from '../extension/connect';
import { newPerson } from '../extension/sync-server';
import { approveInTab, startAppConnect } from './connect-app';
import { expect, PHONE, screenshot, startAppServer, test } from './fixtures';

let server: TestServer;
test.beforeAll(async () => {
  server = await startAppServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('pick or add a provider, see profiles at a glance, copy one as text, search everything', async ({
  app,
}) => {
  test.setTimeout(120_000);
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await app.open(server.url, '/', PHONE);
  const { tab, userCode } = await startAppConnect(app, page, server.url);
  await approveInTab(tab, userCode, newPerson(), 'new');
  await tab.close();
  await expect(page.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  await createKey(page);
  await expectInSync(page);

  await page.goto(`${server.url}/#records`);
  await page.getByRole('tab', { name: /Profiles/ }).click();
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const form = page.locator('form[aria-labelledby="record-form-title"]');
  await form.getByLabel('Name', { exact: true }).fill('Work');
  await form.getByLabel('Provider').fill('openai');
  // Not in Providers yet: added from here, its base URL known and prefilled.
  await form.getByRole('button', { name: 'Add it' }).click();
  await expect(form.getByLabel('Base URL of openai')).toHaveValue('https://api.openai.com/v1');
  await form.getByRole('button', { name: 'Add to Providers' }).click();
  await expect(form.getByTestId('provider-known')).toHaveText('openai · https://api.openai.com/v1');
  await form.getByLabel('Model').fill('gpt-4o');
  await form.getByLabel('API key', { exact: true }).fill("sk-it's-secret");
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Edit profile' })).toBeVisible();

  // The list tells profiles apart without showing the key.
  const item = page.getByRole('list', { name: 'Profiles' }).getByRole('listitem').filter({
    hasText: 'Work',
  });
  await expect(item.getByTestId('record-summary')).toHaveText('openai · gpt-4o · key ••••••••');
  await expect(page.getByRole('list', { name: 'Profiles' })).not.toContainText('sk-');

  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const menu = page.getByTestId('copy-menu');
  await menu.getByRole('button', { name: 'Copy API key of Work' }).click();
  await expect(menu.getByRole('status')).toContainText('API key copied');
  expect(await clipboard()).toBe("sk-it's-secret");
  await menu.getByText('Copy as…').click();
  await menu.getByRole('button', { name: 'Copy Work as Environment variables' }).click();
  await expect(menu.getByRole('status')).toContainText('Environment variables copied');
  expect(await clipboard()).toBe(
    "export OPENAI_API_KEY='sk-it'\\''s-secret'\nexport OPENAI_BASE_URL='https://api.openai.com/v1'\nexport OPENAI_MODEL='gpt-4o'\n",
  );
  await menu.getByRole('button', { name: 'Copy Work as JSON' }).click();
  await expect(menu.getByRole('status')).toContainText('JSON copied');
  expect(JSON.parse(await clipboard())).toEqual({
    provider: 'openai',
    model: 'gpt-4o',
    apiKey: "sk-it's-secret",
    baseUrl: 'https://api.openai.com/v1',
  });
  await menu.getByRole('button', { name: 'Copy Work as curl command' }).click();
  await expect(menu.getByRole('status')).toContainText('curl command copied');
  expect(await clipboard()).toContain("curl 'https://api.openai.com/v1/chat/completions'");
  await screenshot(page, 'pwa-profile-copy-as');

  // An assignment picks its profile from a list of them, by name.
  await page.getByRole('tab', { name: /Assignments/ }).click();
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await form.getByLabel('App').fill('codex');
  await form.getByLabel('Profile').selectOption({ label: 'Work' });
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  const assignment = page.getByRole('list', { name: 'Assignments' }).getByRole('listitem').filter({
    hasText: 'codex',
  });
  await expect(assignment.getByTestId('record-summary')).toHaveText('uses Work');

  // One search, every collection: from Assignments, "openai" finds the provider and the profile.
  await page.getByLabel('Search assignments').fill('openai');
  const elsewhere = page.getByRole('list', { name: 'Matches in other collections' });
  await expect(elsewhere.getByRole('button')).toHaveCount(2);
  await elsewhere.getByRole('button', { name: /Work/ }).click();
  await expect(page.getByRole('heading', { name: 'Edit profile' })).toBeVisible();
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('Work');

  // And from the status screen, without opening the settings at all.
  await page.goto(`${server.url}/#status`);
  await page.getByTestId('use-profile').getByText('Use a profile').click();
  const quick = page.getByRole('list', { name: 'Profiles to use' });
  await quick.getByRole('button', { name: 'Copy API key of Work' }).click();
  await expect(quick.getByRole('status')).toContainText('API key copied');
  expect(await clipboard()).toBe("sk-it's-secret");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    PHONE.width,
  );
  await screenshot(page, 'pwa-use-profile');
});
