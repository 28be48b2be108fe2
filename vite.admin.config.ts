import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { noRawHtml } from './scripts/vite-no-raw-html.ts';

/**
 * The owner's admin page (src/admin), built into dist/admin, which the sync server serves at
 * /admin/ (src/server/routes/admin-page.ts). A plain page: no service worker, since an admin
 * page that kept working offline would only show stale accounts.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/admin', import.meta.url)),
  base: '/admin/',
  // The build is quiet: `npm run build` prints only what went wrong.
  logLevel: 'warn',
  plugins: [noRawHtml(), preact()],
  build: {
    outDir: fileURLToPath(new URL('./dist/admin', import.meta.url)),
    emptyOutDir: true,
    target: ['chrome111', 'safari16.4', 'firefox128'],
    sourcemap: false,
    // The server's CSP allows scripts from the page's own origin only, never inline ones.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
