/**
 * axe-core finds nothing on the extension's screens, in light and in dark (issue 15): the welcome
 * guide; the popup signed out, waiting for approval, setting up encryption, in sync with a profile
 * to use; and every options section with a record open for editing.
 */
import type { TestServer } from '../../src/server/testing';
import { expectAccessible } from '../a11y/axe';
import { createKey, decideInTab, startConnect, userCodeIn } from './connect';
import { expect, test } from './fixtures';
import { createProfile, openProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

const SECTIONS = ['records', 'sync', 'devices', 'security', 'activity', 'backup'];

test('popup and options pass axe-core in light and dark, signed out and in sync', async ({
  profile,
}) => {
  test.setTimeout(150_000);
  const signedOut = await profile.openPopup();
  await expect(signedOut.getByRole('button', { name: 'Check server' })).toBeVisible();
  await expectAccessible(signedOut, 'popup, signed out');
  await signedOut.close();
  const options = await profile.openOptions('sync');
  await expectAccessible(options, 'options sync, signed out');

  await expectAccessible(profile.welcome, 'welcome guide, first step');

  const popup = await profile.openPopup();
  const tab = await startConnect(profile, popup, server.url);
  await expectAccessible(popup, 'popup, waiting for approval');
  await decideInTab(tab, await userCodeIn(popup), newPerson());
  await tab.close();
  await expect(popup.getByRole('heading', { name: 'Set up encryption' })).toBeVisible({
    timeout: 15_000,
  });
  await expectAccessible(popup, 'popup, set up encryption');
  await createKey(popup);
  await options.goto(options.url().replace(/#.*$/, '#records'));
  await createProfile(options, {
    name: 'Work',
    provider: 'openai',
    model: 'gpt-4o',
    apiKey: 'sk-a',
  });
  await popup.bringToFront();
  await popup.getByTestId('use-profile').getByText('Use a profile').click();
  await expect(popup.getByRole('list', { name: 'Profiles to use' })).toContainText('Work');
  await expectAccessible(popup, 'popup, in sync');

  await options.bringToFront();
  for (const section of SECTIONS) {
    await options.goto(options.url().replace(/#.*$/, `#${section}`));
    await expect(options.locator('main h1').first()).toBeVisible();
    if (section === 'records') await openProfile(options, 'Work');
    await expectAccessible(options, `options ${section}`);
  }
});
