/**
 * Builds PNG files in any JS runtime (CompressionStream for zlib), so tests can make large or
 * hostile images without tools: big real images, and headers that lie about their size.
 */
import { concatBytes } from './bytes.ts';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 255] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function ihdr(width: number, height: number): Uint8Array {
  const d = new Uint8Array(13);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  d[8] = 8; // bit depth
  d[9] = 2; // RGB
  return chunk('IHDR', d);
}

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An RGB PNG whose pixel (x, y) is `color(x, y)` → [r, g, b]. */
export async function makePng(
  width: number,
  height: number,
  color: (x: number, y: number) => [number, number, number],
): Promise<Uint8Array> {
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0, o = 0; y < height; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = color(x, y);
      raw[o++] = r;
      raw[o++] = g;
      raw[o++] = b;
    }
  }
  return concatBytes(
    SIGNATURE,
    ihdr(width, height),
    chunk('IDAT', await deflate(raw)),
    chunk('IEND', new Uint8Array(0)),
  );
}

/** A PNG header claiming `width`×`height` followed by a tiny, valid-looking IDAT (a decompression bomb's shape). */
export async function makeLyingPng(width: number, height: number): Promise<Uint8Array> {
  const row = new Uint8Array(1 + Math.min(width, 4096) * 3);
  return concatBytes(
    SIGNATURE,
    ihdr(width, height),
    chunk('IDAT', await deflate(row)),
    chunk('IEND', new Uint8Array(0)),
  );
}

/** Replace `IHDR`'s CRC with garbage. */
export function breakPngCrc(png: Uint8Array): Uint8Array {
  const out = png.slice();
  out[29] = (out[29] ?? 0) ^ 0xff;
  return out;
}
