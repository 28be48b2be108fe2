/**
 * Draws the toolbar icons (a satchel: rounded body, flap and clasp) into public/icons as PNGs.
 * Run with `npx tsx src/extension/tools/generate-icons.ts`; the PNGs are committed, so the build
 * needs neither this script nor any image tool. Shapes are signed distance fields so every size
 * is antialiased without a rasteriser library.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZES = [16, 19, 32, 38, 48, 96, 128] as const;
const BRAND = [37, 99, 235] as const;
const BRAND_DARK = [29, 78, 216] as const;
const WHITE = [255, 255, 255] as const;

type Rgb = readonly [number, number, number];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** Distance to a rounded box centred at (cx, cy) with half sizes (hx, hy); negative inside. */
function roundedBox(
  x: number,
  y: number,
  cx: number,
  cy: number,
  hx: number,
  hy: number,
  r: number,
) {
  const qx = Math.abs(x - cx) - hx + r;
  const qy = Math.abs(y - cy) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function circle(x: number, y: number, cx: number, cy: number, r: number) {
  return Math.hypot(x - cx, y - cy) - r;
}

/** Layers in unit coordinates (0..1), painted in order; later layers cover earlier ones. */
function shade(x: number, y: number, px: number): Array<[number, Rgb]> {
  const cover = (d: number) => Math.min(1, Math.max(0, 0.5 - d / px));
  const body = roundedBox(x, y, 0.5, 0.58, 0.4, 0.3, 0.1);
  // The handle: a ring above the body.
  const handle = Math.abs(circle(x, y, 0.5, 0.3, 0.16)) - 0.045;
  const flap = roundedBox(x, y, 0.5, 0.42, 0.4, 0.12, 0.08);
  const clasp = roundedBox(x, y, 0.5, 0.55, 0.08, 0.07, 0.03);
  return [
    [cover(Math.max(handle, y - 0.32)), BRAND_DARK],
    [cover(body), BRAND],
    [cover(flap), BRAND_DARK],
    [cover(clasp), WHITE],
  ];
}

function draw(size: number): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  const samples = 4; // supersampling per axis, on top of the SDF edge softening
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const [alpha, color] of shade(x, y, 1 / size)) {
            cr = cr * (1 - alpha) + color[0] * alpha;
            cg = cg * (1 - alpha) + color[1] * alpha;
            cb = cb * (1 - alpha) + color[2] * alpha;
            ca = ca * (1 - alpha) + alpha;
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = samples * samples;
      const i = (py * size + px) * 4;
      // Colours were accumulated premultiplied by coverage; un-premultiply for PNG.
      rgba[i] = a ? Math.round(r / a) : 0;
      rgba[i + 1] = a ? Math.round(g / a) : 0;
      rgba[i + 2] = a ? Math.round(b / a) : 0;
      rgba[i + 3] = Math.round((a / n) * 255);
    }
  }
  return rgba;
}

const outDir = join(import.meta.dirname, '../../../public/icons');
mkdirSync(outDir, { recursive: true });
for (const size of SIZES) {
  const file = join(outDir, `icon-${size}.png`);
  writeFileSync(file, encodePng(size, draw(size)));
  console.log(`wrote ${file}`);
}
