import type { ManifestOptions } from 'vite-plugin-pwa';

/** Satchel's brand blue, as in src/ui/theme.css and the extension's icons. */
const THEME_COLOR = '#2563eb';

/**
 * The web app manifest. Icons come from src/pwa/tools/render-icons.ts: "any" icons are the
 * satchel on transparency; maskable ones keep it inside the 80 % safe zone on a full-bleed brand
 * background, so launchers can crop them to any shape.
 */
export const APP_MANIFEST: Partial<ManifestOptions> = {
  id: '/',
  name: 'Satchel',
  short_name: 'Satchel',
  description:
    'Keeps your app settings and API keys identical across devices, end-to-end encrypted, and works offline.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'any',
  theme_color: THEME_COLOR,
  background_color: '#ffffff',
  categories: ['productivity', 'utilities'],
  icons: [
    { src: 'icons/app-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: 'icons/app-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: 'icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
    { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};
