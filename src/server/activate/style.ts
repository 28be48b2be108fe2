/** The /activate pages' one stylesheet, inlined and allowed by its CSP hash (no 'unsafe-inline'). */
import { createHash } from 'node:crypto';

export const STYLE = `
:root { color-scheme: light dark; --fg: #1d2433; --muted: #5b6478; --bg: #f4f5f8; --card: #fff;
  --line: #dde1ea; --accent: #3056d3; --accent-fg: #fff; --danger: #b42318; --ok: #1a7f4b; }
@media (prefers-color-scheme: dark) { :root { --fg: #e7eaf0; --muted: #a3abbd; --bg: #12151c;
  --card: #1b2029; --line: #2d3441; --accent: #6d8cff; --accent-fg: #0b1020; --danger: #ff8a7a;
  --ok: #5fd39a; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 24px;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); }
main { width: 100%; max-width: 420px; background: var(--card); border: 1px solid var(--line);
  border-radius: 14px; padding: 28px; box-shadow: 0 8px 30px rgb(0 0 0 / 0.06); }
.brand { display: flex; align-items: center; gap: 10px; font-weight: 650; letter-spacing: 0.01em;
  color: var(--muted); margin-bottom: 18px; }
.brand svg { width: 24px; height: 24px; }
h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 8px; }
p { margin: 0 0 16px; color: var(--muted); }
form { margin: 0; }
label { display: block; font-weight: 560; font-size: 0.9rem; margin: 14px 0 6px; }
input[type=text], input[type=password] { width: 100%; padding: 10px 12px; font: inherit;
  color: inherit; background: transparent; border: 1px solid var(--line); border-radius: 8px; }
input:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
input.code { text-transform: uppercase; letter-spacing: 0.2em; font-family: ui-monospace, monospace;
  font-size: 1.2rem; text-align: center; }
button, a.button { font: inherit; text-align: center; text-decoration: none; font-weight: 600; padding: 10px 16px; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg); }
button.secondary, a.button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
button.link { background: none; border: none; color: var(--muted); padding: 0; font-weight: 500;
  text-decoration: underline; }
.actions { display: flex; gap: 10px; margin-top: 20px; }
.actions button, .actions a.button { flex: 1; }
.center { text-align: center; margin-bottom: 18px; }
.hint { color: var(--muted); font-weight: 400; }
.stack > form + form { margin-top: 8px; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 6px 16px; margin: 0 0 18px;
  padding: 14px 16px; border: 1px solid var(--line); border-radius: 10px; }
dt { color: var(--muted); font-size: 0.9rem; }
dd { margin: 0; font-weight: 560; overflow-wrap: anywhere; }
.usercode { font-family: ui-monospace, monospace; font-size: 1.6rem; letter-spacing: 0.18em;
  text-align: center; padding: 12px; border: 1px dashed var(--line); border-radius: 10px;
  margin: 0 0 8px; font-weight: 700; }
.notice { font-size: 0.9rem; padding: 10px 12px; border-radius: 8px; margin: 0 0 16px;
  border: 1px solid var(--line); }
.error { color: var(--danger); border-color: currentColor; }
.success { color: var(--ok); }
.foot { display: flex; justify-content: space-between; align-items: center; margin-top: 22px;
  padding-top: 14px; border-top: 1px solid var(--line); font-size: 0.85rem; color: var(--muted); }
.invite { font-family: ui-monospace, monospace; font-size: 0.85rem; padding: 10px;
  border: 1px solid var(--line); border-radius: 8px; overflow-wrap: anywhere; user-select: all; }
hr { border: none; border-top: 1px solid var(--line); margin: 22px 0; }
`;

export const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;
