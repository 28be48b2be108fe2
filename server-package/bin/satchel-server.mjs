#!/usr/bin/env node
// Points the web app and admin page at the copies inside this package (the defaults are relative
// to a checkout), unless the self-hoster chose other folders, then runs the bundled server.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const web = (part) => fileURLToPath(new URL(`../web/${part}`, import.meta.url));
if (process.env.WEB_DIR === undefined && existsSync(web('pwa'))) process.env.WEB_DIR = web('pwa');
if (process.env.ADMIN_DIR === undefined && existsSync(web('admin')))
  process.env.ADMIN_DIR = web('admin');

await import('../dist/server.mjs');
