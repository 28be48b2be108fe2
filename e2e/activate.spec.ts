/**
 * The whole device-authorization grant (RFC 8628) through the real /activate page in headless
 * Chromium: a device starts the grant and polls over HTTP, a person signs in and decides in the
 * browser. Each server runs in this process on PGlite in memory, with the real defaults
 * (expires_in 600, interval 5) and an injected clock, so expiry and polling intervals are reached
 * by moving the clock rather than by waiting.
 */
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { PageClient, startServer, type TestServer } from '../src/server/testing';
import {
  createOwnerAccount,
  decide,
  expectConfirmPage,
  expectOutcome,
  type Person,
  pageKind,
  signIn,
} from './server/activate-page';
import { Device, deviceNames } from './server/device';

const OWNER: Person = { username: 'ada', password: 'a long owner password' };
const LAPTOP = { name: 'Kitchen laptop', platform: 'linux' };

interface ServerUnderTest {
  url: string;
  server: TestServer;
  /** Moves the server's clock forward (never back: the grant's poll timing relies on it). */
  advance(seconds: number): void;
}

const test = base.extend<{ sut: ServerUnderTest }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  sut: async ({}, use) => {
    let offsetMs = 0;
    const server = await startServer({ clock: () => Date.now() + offsetMs });
    await use({
      url: server.url,
      server,
      advance: (seconds) => {
        offsetMs += seconds * 1000;
      },
    });
    await server.close();
  },
});

/** Saves what the person sees as an artifact under test-results/screenshots. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: join('test-results', 'screenshots', `${name}.png`),
    fullPage: true,
  });
}

/** The HTTP status of the page a form POST to `path` answered with. */
function statusOf(page: Page, path: string): Promise<number> {
  return page
    .waitForResponse((response) => new URL(response.url()).pathname === path)
    .then((response) => response.status());
}

/** The owner account exists before the person arrives (created through the same forms). */
/** The owner follows the laptop's link, signs in, and sees the laptop's request to confirm. */
async function openLaptopConfirmPage(page: Page, device: Device): Promise<void> {
  await page.goto(device.grant.verification_uri_complete);
  await signIn(page, OWNER);
  await expectConfirmPage(page, {
    userCode: device.grant.user_code,
    deviceName: LAPTOP.name,
    platform: LAPTOP.platform,
  });
}

async function withOwner(sut: ServerUnderTest): Promise<void> {
  const client = new PageClient(sut.url);
  const home = await client.signedIn(OWNER);
  expect(home.status).toBe(200);
}

test('approve: the first person opens verification_uri_complete, creates the owner account, approves; the device gets working tokens', async ({
  page,
  sut,
}) => {
  const device = await Device.start(sut.url, LAPTOP);
  const { grant } = device;
  expect(grant.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
  expect(grant.verification_uri).toBe(`${sut.url}/activate`);
  expect(grant.verification_uri_complete).toBe(`${sut.url}/activate?user_code=${grant.user_code}`);
  expect(grant.expires_in).toBe(600);
  expect(grant.interval).toBe(5);

  const first = await device.poll();
  expect(first).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });

  await page.goto(grant.verification_uri_complete);
  await createOwnerAccount(page, OWNER);
  // Signing up leads straight to the device the link was for.
  await expectConfirmPage(page, {
    userCode: grant.user_code,
    deviceName: LAPTOP.name,
    platform: LAPTOP.platform,
  });
  await expect(page.getByText(`Signed in as ${OWNER.username}`)).toBeVisible();
  await screenshot(page, 'activate-confirm');

  // Opening the page, even signed in, approved nothing.
  sut.advance(grant.interval);
  expect(await device.poll()).toMatchObject({
    status: 400,
    body: { error: 'authorization_pending' },
  });

  await decide(page, 'Approve');
  await expectOutcome(page, 'approved', 'Device connected', /you can close this tab/);
  await screenshot(page, 'activate-approved');

  sut.advance(grant.interval);
  const tokens = await device.poll();
  expect(tokens.status).toBe(200);
  expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
  expect(tokens.body.refresh_token).toEqual(expect.any(String));
  expect(await deviceNames(sut.url, tokens.body.access_token ?? '')).toEqual([LAPTOP.name]);
});

test('approve by typing the code: the person opens the plain verification_uri, signs in and types the code', async ({
  page,
  sut,
}) => {
  await withOwner(sut);
  const device = await Device.start(sut.url, { name: 'Work phone', platform: 'android' });

  await page.goto(device.grant.verification_uri);
  await signIn(page, OWNER);
  await expect(page.getByRole('heading', { name: 'Connect a device' })).toBeVisible();

  // A code no device is waiting with is named as such, and the person can try again.
  const code = page.getByLabel('Code');
  await code.fill('BBBB-BBBB');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectOutcome(page, 'unknown', 'Unknown code', /No device is waiting with this code/);
  await page.getByRole('link', { name: 'Enter another code' }).click();

  // Typed as people type it: lower case, no dash.
  await page.getByLabel('Code').fill(device.grant.user_code.replace('-', '').toLowerCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectConfirmPage(page, {
    userCode: device.grant.user_code,
    deviceName: 'Work phone',
    platform: 'android',
  });
  await decide(page, 'Approve');
  await expectOutcome(page, 'approved', 'Device connected', /you can close this tab/);

  sut.advance(device.grant.interval);
  const tokens = await device.poll();
  expect(tokens.status).toBe(200);
  expect(await deviceNames(sut.url, tokens.body.access_token ?? '')).toEqual(['Work phone']);
});

test('deny: the device gets access_denied, never tokens, and the code cannot be approved afterwards', async ({
  page,
  sut,
}) => {
  await withOwner(sut);
  const device = await Device.start(sut.url, LAPTOP);

  await openLaptopConfirmPage(page, device);
  await decide(page, 'Deny');
  await expectOutcome(page, 'denied', 'Request denied', /The device was not connected/);
  await screenshot(page, 'activate-denied');

  const denied = await device.poll();
  expect(denied).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  expect(denied.body.access_token).toBeUndefined();
  sut.advance(device.grant.interval);
  expect(await device.poll()).toMatchObject({ status: 400, body: { error: 'access_denied' } });

  // Coming back to the link shows the decision instead of offering it again.
  const reopened = statusOf(page, '/activate');
  await page.goto(device.grant.verification_uri_complete);
  expect(await reopened).toBe(409);
  await expectOutcome(page, 'already_denied', 'Already denied', /already denied/);
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
});

test('expiry: a code left past expires_in cannot be approved; the page says it expired and the device gets expired_token', async ({
  page,
  sut,
}) => {
  await withOwner(sut);
  const device = await Device.start(sut.url, LAPTOP);

  await openLaptopConfirmPage(page, device);

  // The person walks away with the page open; the code's 600 seconds run out.
  sut.advance(device.grant.expires_in + 1);
  const decided = statusOf(page, '/activate/decision');
  await decide(page, 'Approve');
  expect(await decided).toBe(410);
  await expectOutcome(page, 'expired', 'Code expired', /This code has expired/);
  await screenshot(page, 'activate-expired');

  expect(await device.poll()).toMatchObject({ status: 400, body: { error: 'expired_token' } });

  // Opening the link again says the same, and offers to enter another code.
  await page.goto(device.grant.verification_uri_complete);
  await expectOutcome(page, 'expired', 'Code expired', /This code has expired/);
  await expect(page.getByRole('link', { name: 'Enter another code' })).toBeVisible();
});

test('slow_down: polling faster than the interval is answered slow_down, and the interval grows by 5 s', async ({
  page,
  sut,
}) => {
  await withOwner(sut);
  const device = await Device.start(sut.url, LAPTOP);
  const { interval } = device.grant;

  expect(await device.poll()).toMatchObject({
    status: 400,
    body: { error: 'authorization_pending' },
  });
  const tooFast = await device.poll();
  expect(tooFast).toMatchObject({ status: 400, body: { error: 'slow_down' } });
  expect(tooFast.body.error_description).toContain(`${interval + 5} seconds`);

  // Waiting the old interval is now too soon as well.
  sut.advance(interval + 1);
  const stillTooFast = await device.poll();
  expect(stillTooFast).toMatchObject({ status: 400, body: { error: 'slow_down' } });

  // Waiting the interval it was told is fine.
  sut.advance(interval + 10 + 1);
  expect(await device.poll()).toMatchObject({
    status: 400,
    body: { error: 'authorization_pending' },
  });

  await page.goto(device.grant.verification_uri_complete);
  await signIn(page, OWNER);
  await decide(page, 'Approve');
  await expectOutcome(page, 'approved', 'Device connected', /you can close this tab/);

  // A decided grant answers at once, however soon the device asks.
  const tokens = await device.poll();
  expect(tokens.status).toBe(200);
  expect(tokens.body.access_token).toEqual(expect.any(String));
});

test('code reuse: an approved code cannot be approved again, and the device code is exchanged once', async ({
  page,
  sut,
}) => {
  await withOwner(sut);
  const device = await Device.start(sut.url, LAPTOP);

  // The same approval page open in two tabs of the person's browser.
  await openLaptopConfirmPage(page, device);
  const second = await page.context().newPage();
  await second.goto(device.grant.verification_uri_complete);
  await expect(pageKind(second)).toHaveAttribute('data-page', 'confirm');

  await decide(page, 'Approve');
  await expectOutcome(page, 'approved', 'Device connected', /you can close this tab/);

  const decidedAgain = statusOf(second, '/activate/decision');
  await decide(second, 'Approve');
  expect(await decidedAgain).toBe(409);
  await expectOutcome(second, 'already_approved', 'Already connected', /already approved/);
  await screenshot(second, 'activate-already-approved');

  const tokens = await device.poll();
  expect(tokens.status).toBe(200);
  const replay = await device.poll();
  expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  expect(replay.body.error_description).toMatch(/already used/);
  expect(replay.body.access_token).toBeUndefined();

  // Opening the link again shows it was used, with nothing left to approve.
  const reopened = statusOf(page, '/activate');
  await page.goto(device.grant.verification_uri_complete);
  expect(await reopened).toBe(409);
  await expectOutcome(page, 'already_approved', 'Already connected', /already approved/);
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // The one device that was connected is the only one.
  expect(await deviceNames(sut.url, tokens.body.access_token ?? '')).toEqual([LAPTOP.name]);
});
