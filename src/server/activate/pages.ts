/**
 * The /activate pages as plain template functions. Each page's <main> carries `data-page` (and
 * `data-code` for failures) so tests and scripts can tell pages apart without scraping prose.
 */

import { formatUserCode } from '../auth/secrets';
import type { DeviceAuthorization, InviteRefusal } from '../store/types';
import { Html, html } from './html';
import { STYLE } from './style';

const LOGO = new Html(
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" aria-hidden="true"><rect x="3" y="7" width="18" height="13" rx="3"/><path d="M8 7V5a4 4 0 0 1 8 0v2"/><path d="M12 12v3"/></svg>',
);

export interface Viewer {
  username: string;
  csrfToken: string;
  isOwner: boolean;
}

function layout(
  title: string,
  page: string,
  body: Html,
  options: { viewer?: Viewer | undefined; code?: string | undefined } = {},
): string {
  const { viewer, code } = options;
  const footer = viewer
    ? html`<div class="foot"><span>Signed in as <strong>${viewer.username}</strong></span>
<form method="post" action="/activate/sign-out"><input type="hidden" name="csrf_token" value="${viewer.csrfToken}"><button class="link" type="submit">Sign out</button></form></div>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Satchel</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${new Html(STYLE)}</style>
</head>
<body>
<main data-page="${page}"${code ? html` data-code="${code}"` : ''}>
<div class="brand">${LOGO}<span>Satchel</span></div>
${body}
${footer}
</main>
</body>
</html>
`.value;
}

function hidden(name: string, value: string | undefined): Html | string {
  return value ? html`<input type="hidden" name="${name}" value="${value}">` : '';
}

function notice(message: string | undefined): Html | string {
  return message ? html`<p class="notice error" role="alert">${message}</p>` : '';
}

export interface AccountFormOptions {
  /** Carried through sign-in so the person lands on the approval page afterwards. */
  userCode?: string | undefined;
  invite?: string | undefined;
  /** Why the invite in the link cannot create an account, when it cannot. */
  inviteRefusal?: InviteRefusal | undefined;
  error?: string | undefined;
  username?: string | undefined;
}

/** What a person with an invite link that no longer works is told, per reason. */
export const INVITE_REFUSALS: Record<InviteRefusal, string> = {
  unknown:
    'This invite link is not valid. Check that you copied all of it, or ask the owner of this server for a new one.',
  expired: 'This invite link has expired. Ask the owner of this server for a new one.',
  revoked:
    'This invite link was withdrawn by the owner of this server. Ask them for a new one if you should have an account.',
  spent:
    'This invite link has already been used as many times as it allows. Ask the owner of this server for a new one.',
};

const INVITE_ONLY =
  'This server is invite-only: to create an account you need an invite link from its owner.';

function inviteNotice(options: AccountFormOptions): Html | string {
  return notice(options.inviteRefusal ? INVITE_REFUSALS[options.inviteRefusal] : options.error);
}

function refusalCode(options: AccountFormOptions): string | undefined {
  return options.inviteRefusal ? `invite_${options.inviteRefusal}` : undefined;
}

/** No account yet and REGISTRATION=invite: nobody registers without a link, so no form. */
export function inviteOnlyPage(options: AccountFormOptions): string {
  return layout(
    'Invite only',
    'invite-only',
    html`<h1>This server is invite-only</h1>
${inviteNotice(options)}
<p>To create an account you need an invite link from its owner. Open the link they send you and you can create your account here.</p>
<p class="hint">Setting up this server? Create the first invite on it with <code>satchel-server invite create</code>; whoever registers first with it owns the server.</p>`,
    { code: refusalCode(options) },
  );
}

/** No account exists yet: the first one becomes the owner. */
export function firstAccountPage(options: AccountFormOptions): string {
  return layout(
    'Create the owner account',
    'first-account',
    html`<h1>Create the owner account</h1>
<p>This server has no accounts yet. The account you create now owns it and can invite others.</p>
${notice(options.error)}
${registerForm(options, 'Create account')}`,
  );
}

function registerForm(options: AccountFormOptions, submit: string): Html {
  return html`<form method="post" action="/activate/register">
${hidden('user_code', options.userCode)}${hidden('invite', options.invite)}
<label for="r-username">Username</label>
<input id="r-username" type="text" name="username" autocomplete="username" required maxlength="64" value="${options.username ?? ''}">
<label for="r-password">Password <span class="hint">· at least 8 characters</span></label>
<input id="r-password" type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="1024">
<label for="r-confirm">Repeat password</label>
<input id="r-confirm" type="password" name="password_confirm" autocomplete="new-password" required minlength="8" maxlength="1024">
<div class="actions"><button type="submit">${submit}</button></div>
</form>`;
}

export function signInPage(options: AccountFormOptions & { canRegister: boolean }): string {
  const registration = options.canRegister
    ? html`<hr><h1>New here?</h1>
<p>${options.invite ? 'You were invited to this server.' : 'This server is open to new accounts.'}</p>
${registerForm({ ...options, username: undefined }, 'Create account')}`
    : html`<hr><h1>New here?</h1>
<p data-invite-only>${INVITE_ONLY}</p>`;
  return layout(
    'Sign in',
    'sign-in',
    html`<h1>Sign in to connect a device</h1>
<p>${options.userCode ? 'A device asked to sync with your account. Sign in to review it.' : 'Sign in to your Satchel account.'}</p>
${inviteNotice(options)}
<form method="post" action="/activate/sign-in">
${hidden('user_code', options.userCode)}${hidden('invite', options.invite)}
<label for="s-username">Username</label>
<input id="s-username" type="text" name="username" autocomplete="username" required maxlength="64" value="${options.username ?? ''}" autofocus>
<label for="s-password">Password</label>
<input id="s-password" type="password" name="password" autocomplete="current-password" required maxlength="1024">
<div class="actions"><button type="submit">Sign in</button></div>
</form>
${registration}`,
    { code: refusalCode(options) },
  );
}

export function enterCodePage(viewer: Viewer, error?: string): string {
  const invite = viewer.isOwner
    ? html`<hr><h1>Invite someone</h1>
<p>Create a single-use link that lets one person make an account on this server.</p>
<form method="post" action="/activate/invite">${hidden('csrf_token', viewer.csrfToken)}
<button class="secondary" type="submit">Create invite link</button></form>`
    : '';
  return layout(
    'Connect a device',
    'enter-code',
    html`<h1>Connect a device</h1>
<p>Enter the code your device shows.</p>
${notice(error)}
<form method="get" action="/activate">
<label for="user_code">Code</label>
<input id="user_code" class="code" type="text" name="user_code" required maxlength="9" placeholder="XXXX-XXXX" autocomplete="off" autocapitalize="characters" spellcheck="false" autofocus>
<div class="actions"><button type="submit">Continue</button></div>
</form>
${invite}`,
    { viewer },
  );
}

function minutesLeft(expiresAt: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((expiresAt - now) / 60_000));
  return minutes === 1 ? 'about a minute' : `${minutes} minutes`;
}

export function confirmPage(
  viewer: Viewer,
  authorization: DeviceAuthorization,
  now: number,
): string {
  const userCode = formatUserCode(authorization.userCode);
  return layout(
    'Approve this device?',
    'confirm',
    html`<h1>Connect this device?</h1>
<p>Approve only if you started this yourself and your device shows the same code.</p>
<div class="usercode" data-user-code>${userCode}</div>
<p class="center">The code on this page and on your device must match.</p>
<dl>
<dt>Device</dt><dd data-field="device-name">${authorization.deviceName}</dd>
<dt>Platform</dt><dd data-field="platform">${authorization.devicePlatform}</dd>
<dt>Requested from</dt><dd data-field="ip">${authorization.requesterIp}</dd>
<dt>Expires in</dt><dd>${minutesLeft(authorization.expiresAt, now)}</dd>
</dl>
<form method="post" action="/activate/decision">
${hidden('csrf_token', viewer.csrfToken)}${hidden('user_code', authorization.userCode)}
<div class="actions">
<button class="secondary" type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="approve">Approve</button>
</div>
</form>`,
    { viewer },
  );
}

export type Outcome =
  | 'approved'
  | 'denied'
  | 'expired'
  | 'unknown'
  | 'already_approved'
  | 'already_denied';

const OUTCOMES: Record<
  Outcome,
  { title: string; message: string; tone: 'success' | 'error' | '' }
> = {
  approved: {
    title: 'Device connected',
    message: 'Device connected — you can close this tab. It will start syncing in a moment.',
    tone: 'success',
  },
  denied: {
    title: 'Request denied',
    message: 'The device was not connected. You can close this tab.',
    tone: '',
  },
  expired: {
    title: 'Code expired',
    message: 'This code has expired. Start again on your device to get a new one.',
    tone: 'error',
  },
  unknown: {
    title: 'Unknown code',
    message: 'No device is waiting with this code. Check it, or start again on your device.',
    tone: 'error',
  },
  already_approved: {
    title: 'Already connected',
    message: 'This request was already approved. You can close this tab.',
    tone: '',
  },
  already_denied: {
    title: 'Already denied',
    message: 'This request was already denied. Start again on your device to retry.',
    tone: '',
  },
};

export function outcomePage(viewer: Viewer | undefined, outcome: Outcome): string {
  const { title, message, tone } = OUTCOMES[outcome];
  const again =
    outcome === 'unknown' || outcome === 'expired'
      ? html`<div class="actions"><a class="button secondary" href="/activate">Enter another code</a></div>`
      : '';
  return layout(
    title,
    'outcome',
    html`<h1 class="${tone}">${title}</h1>
<p data-outcome="${outcome}">${message}</p>
${again}`,
    { viewer, code: outcome },
  );
}

export function invitePage(viewer: Viewer, link: string, expiresAt: number, now: number): string {
  const days = Math.max(1, Math.round((expiresAt - now) / 86_400_000));
  return layout(
    'Invite link',
    'invite',
    html`<h1>Invite link created</h1>
<p>Send this link to one person. It works once and expires in ${days} day${days === 1 ? '' : 's'}.</p>
<div class="invite" data-invite-link>${link}</div>
<div class="actions"><a class="button secondary" href="/activate">Done</a></div>`,
    { viewer },
  );
}

/** A failure a person can act on, with its problem code. */
export function errorPage(
  viewer: Viewer | undefined,
  code: string,
  title: string,
  message: string,
): string {
  return layout(
    title,
    'error',
    html`<h1 class="error">${title}</h1>
<p>${message}</p>
<div class="actions"><a class="button secondary" href="/activate">Back</a></div>`,
    { viewer, code },
  );
}
