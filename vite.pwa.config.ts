import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import pkg from './package.json' with { type: 'json' };
import { noRawHtml } from './scripts/vite-no-raw-html.ts';
import { APP_MANIFEST } from './src/pwa/app-manifest.ts';

/**
 * The installable web app (src/pwa), built into dist/pwa, which the sync server serves at /.
 * The service worker (src/pwa/sw.ts) is bundled by vite-plugin-pwa's injectManifest, which
 * writes the precache list of the app shell into it.
 *
 * SATCHEL_BUILD_ID names the build (shown in the app, used by the update test to tell two
 * builds apart); by default the version and build time, so every deploy offers an update.
 */
const buildId = process.env.SATCHEL_BUILD_ID ?? `${pkg.version}+${Date.now().toString(36)}`;

export default defineConfig({
  root: fileURLToPath(new URL('./src/pwa', import.meta.url)),
  publicDir: 'public',
  // `define` is shared with the service worker build, so page and worker report the same build.
  define: { __SATCHEL_BUILD__: JSON.stringify(buildId) },
  plugins: [
    noRawHtml(),
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: '.',
      filename: 'sw.ts',
      // Registered by src/pwa/update/register.ts through workbox-window, for the update prompt.
      injectRegister: false,
      // The glob below already precaches every icon once.
      includeManifestIcons: false,
      manifest: APP_MANIFEST,
      injectManifest: {
        // The manifest is added by the plugin itself.
        globPatterns: ['**/*.{js,css,html,png,svg}'],
        // A classic worker: Safari and older Chromium cannot update module workers reliably.
        rollupFormat: 'iife',
      },
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist/pwa', import.meta.url)),
    emptyOutDir: true,
    target: ['chrome111', 'safari16.4', 'firefox128'],
    sourcemap: false,
  },
});
