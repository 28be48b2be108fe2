/**
 * Not wire protocol, but as neutral a home: the app's icons are rendered from it at build time
 * and the server serves it as its favicon, and neither may import the other.
 *
 * The satchel mark as SVG, in the shapes and colours of the extension's toolbar icons
 * (src/extension/tools/generate-icons.ts): a ring handle, a rounded body, a flap and a clasp,
 * in a 100 × 100 box. `maskable` draws it light on a full-bleed brand square, shrunk into the
 * safe zone that launchers never crop.
 */
const BRAND = '#2563eb';
const BRAND_DARK = '#1d4ed8';
const WHITE = '#ffffff';
const LIGHT = '#dbe6ff';

export function satchelSvg({ maskable }: { maskable: boolean }): string {
  const [body, flap, clasp, handle] = maskable
    ? [WHITE, LIGHT, BRAND, WHITE]
    : [BRAND, BRAND_DARK, WHITE, BRAND_DARK];
  // The safe zone of a maskable icon is the centred circle of 80 % diameter: the mark fits it.
  const mark = maskable ? 'translate(20 20) scale(0.6)' : '';
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><title>Satchel</title>',
    maskable ? `<rect width="100" height="100" fill="${BRAND}"/>` : '',
    '<clipPath id="above-body"><rect width="100" height="32"/></clipPath>',
    `<g transform="${mark}">`,
    `<circle cx="50" cy="30" r="16" fill="none" stroke="${handle}" stroke-width="9" clip-path="url(#above-body)"/>`,
    `<rect x="10" y="28" width="80" height="60" rx="10" fill="${body}"/>`,
    `<rect x="10" y="30" width="80" height="24" rx="8" fill="${flap}"/>`,
    `<rect x="42" y="48" width="16" height="14" rx="3" fill="${clasp}"/>`,
    '</g></svg>',
  ].join('');
}
