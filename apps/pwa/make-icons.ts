/**
 * Draws the app icons (a warm rounded square with a white house and an ember) into
 * public/icons as PNGs, with no image library and no download: `node apps/pwa/make-icons.ts`.
 * The output is committed; rerun only to change the design.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf: Uint8Array): number {
  let c = -1;
  for (const b of buf) c = (CRC[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The design in unit coordinates (0..1); `safe` shrinks the drawing for maskable icons. */
function icon(size: number, maskable: boolean): Buffer {
  return png(size, (px, py) => {
    const u = (px + 0.5) / size;
    const v = (py + 0.5) / size;
    const r = maskable ? 0 : 0.18;
    const dx = Math.max(0, Math.abs(u - 0.5) - (0.5 - r));
    const dy = Math.max(0, Math.abs(v - 0.5) - (0.5 - r));
    if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
    const s = maskable ? 0.62 : 0.8;
    const x = (u - 0.5) / s + 0.5;
    const y = (v - 0.5) / s + 0.5;
    const bg: [number, number, number, number] = [
      Math.round(200 + 40 * (1 - v)),
      Math.round(80 + 40 * (1 - v)),
      40,
      255,
    ];
    const roof = y > 0.18 && y < 0.48 && Math.abs(x - 0.5) < (y - 0.18) * 1.25;
    const body = y >= 0.46 && y < 0.82 && Math.abs(x - 0.5) < 0.27;
    const fx = (x - 0.5) / 0.1;
    const fy = (y - 0.6) / 0.16;
    const flame = fy > -1 && fy < 1 && Math.abs(fx) < (1 - fy * fy) * (fy < 0 ? 0.6 : 1);
    if (flame) return [255, 170, 40, 255];
    if (roof || body) return [255, 248, 240, 255];
    return bg;
  });
}

const dir = fileURLToPath(new URL('./public/icons/', import.meta.url));
writeFileSync(dir + 'icon-192.png', icon(192, false));
writeFileSync(dir + 'icon-512.png', icon(512, false));
writeFileSync(dir + 'maskable-512.png', icon(512, true));
writeFileSync(dir + 'apple-touch-icon.png', icon(180, true));
writeFileSync(dir + 'favicon-32.png', icon(32, false));
