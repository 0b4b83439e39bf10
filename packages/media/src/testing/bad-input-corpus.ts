import { concatBytes } from './bytes.ts';
import { buildTiff, gpsIfd, insertSegment, TAG, withExif } from './exif-builder.ts';
import { breakPngCrc, makeLyingPng, makePng } from './png-builder.ts';
import { fromBase64, PLAIN_JPEG_B64, SAMPLE_JPEG_B64 } from './samples.ts';

/** One hostile or damaged file. `expect` says what a correct pipeline may do with it. */
export interface BadInput {
  name: string;
  bytes: Uint8Array;
  /** `error`: must be a MediaError; `ok`: must succeed; `either`: MediaError or a result. */
  expect: 'error' | 'ok' | 'either';
  why: string;
}

/** Optional real files to derive damaged variants from (truncated HEIC / MP4 …). */
export interface CorpusSources {
  heic?: Uint8Array;
  mp4?: Uint8Array;
}

const enc = (s: string) => new TextEncoder().encode(s);
const cat = concatBytes;
const box = (type: string, body: Uint8Array, size = body.length + 8) => {
  const h = new Uint8Array(8);
  new DataView(h.buffer).setUint32(0, size >>> 0);
  h.set(enc(type), 4);
  return cat(h, body);
};

/** A GIF of `frames` 1×1 frames (an animation bomb by frame count). */
export function manyFrameGif(frames: number): Uint8Array {
  const header = new Uint8Array([
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
  ]);
  const loop = new Uint8Array([0x21, 0xff, 0x0b, ...enc('NETSCAPE2.0'), 3, 1, 0, 0, 0]);
  const frame = new Uint8Array([
    0x21, 0xf9, 4, 0, 1, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0,
  ]);
  const body = new Uint8Array(frame.length * frames);
  for (let i = 0; i < frames; i++) body.set(frame, i * frame.length);
  return cat(header, loop, body, new Uint8Array([0x3b]));
}

/**
 * A JPEG XL codestream whose SizeHeader claims `width`×`height` (each 1…2^30), followed by
 * noise: enough for a header check to refuse it, nothing a decoder could finish.
 */
export function lyingJxl(width: number, height: number): Uint8Array {
  const bits: number[] = [];
  const put = (v: number, n: number) => {
    for (let i = 0; i < n; i++) bits.push(Math.floor(v / 2 ** i) % 2); // LSB first, as JPEG XL
  };
  const dim = (v: number) => {
    const sel = [9, 13, 18, 30].findIndex((n) => v - 1 < 2 ** n);
    put(sel, 2);
    put(v - 1, [9, 13, 18, 30][sel] as number);
  };
  put(0, 1); // not a small (multiple of 8, ≤256) image
  dim(height);
  put(0, 3); // width coded explicitly, not as a ratio
  dim(width);
  const out = new Uint8Array(2 + Math.ceil(bits.length / 8) + 64);
  out.set([0xff, 0x0a]);
  bits.forEach((b, i) => (out[2 + (i >> 3)] = (out[2 + (i >> 3)] as number) | (b << (i & 7))));
  for (let i = 2 + Math.ceil(bits.length / 8); i < out.length; i++) out[i] = (i * 73) & 0xff;
  return out;
}

/** The corpus: at least 30 generated cases, plus variants of `sources` when given. */
export async function buildBadInputCorpus(sources: CorpusSources = {}): Promise<BadInput[]> {
  const jpeg = fromBase64(PLAIN_JPEG_B64);
  const sample = fromBase64(SAMPLE_JPEG_B64);
  const png = await makePng(64, 48, (x, y) => [x * 4, y * 5, 90]);
  const exif = (spec: Parameters<typeof buildTiff>[0]) => withExif(jpeg, buildTiff(spec));
  const random = new Uint8Array(4096);
  for (let i = 0, x = 12345; i < random.length; i++) random[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;

  const c: BadInput[] = [
    { name: 'empty.jpg', bytes: new Uint8Array(0), expect: 'error', why: 'zero bytes' },
    { name: 'one-byte.jpg', bytes: new Uint8Array([0xff]), expect: 'error', why: 'one byte' },
    { name: 'random.jpg', bytes: random, expect: 'error', why: 'noise with a photo extension' },
    {
      name: 'notes.heic',
      bytes: enc('shopping list\nmilk\n'.repeat(30)),
      expect: 'error',
      why: 'text with a HEIC extension',
    },
    {
      name: 'soi-only.jpg',
      bytes: new Uint8Array([0xff, 0xd8, 0xff]),
      expect: 'error',
      why: 'JPEG start marker and nothing else',
    },
    {
      name: 'truncated-half.jpg',
      bytes: sample.subarray(0, sample.length >> 1),
      expect: 'either',
      why: 'JPEG cut in half',
    },
    {
      name: 'truncated-header.jpg',
      bytes: sample.subarray(0, 200),
      expect: 'either',
      why: 'JPEG cut inside its EXIF',
    },
    {
      name: 'no-eoi.jpg',
      bytes: jpeg.subarray(0, jpeg.length - 2),
      expect: 'either',
      why: 'JPEG without end marker',
    },
    { name: 'png-as.jpg', bytes: png, expect: 'ok', why: 'PNG with a .jpg extension' },
    { name: 'jpeg-as.mp4', bytes: jpeg, expect: 'ok', why: 'JPEG with a video extension' },
    { name: 'no-extension', bytes: jpeg, expect: 'ok', why: 'no extension at all' },
    {
      name: 'corrupt-exif.jpg',
      bytes: insertSegment(
        jpeg,
        0xe1,
        cat(enc('Exif\0\0MM\0*'), new Uint8Array([0xff, 0xff, 0xff, 0xf0]), random.subarray(0, 200)),
      ),
      expect: 'either',
      why: 'EXIF IFD offset pointing past the end',
    },
    {
      name: 'exif-loop.jpg',
      bytes: insertSegment(
        jpeg,
        0xe1,
        cat(
          enc('Exif\0\0MM\0*'),
          new Uint8Array([0, 0, 0, 8, 0, 1, 0x87, 0x69, 0, 4, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 8]),
        ),
      ),
      expect: 'either',
      why: 'EXIF sub-IFD pointing at itself',
    },
    {
      name: 'exif-huge-count.jpg',
      bytes: insertSegment(
        jpeg,
        0xe1,
        cat(enc('Exif\0\0MM\0*'), new Uint8Array([0, 0, 0, 8, 0xff, 0xff]), new Uint8Array(1000)),
      ),
      expect: 'either',
      why: 'IFD claiming 65,535 entries',
    },
    {
      name: 'huge-exif.jpg',
      bytes: Array.from({ length: 60 }).reduce<Uint8Array>(
        (j) => insertSegment(j, 0xe1, cat(enc('Exif\0\0'), random, new Uint8Array(60_000))),
        jpeg,
      ),
      expect: 'either',
      why: '60 APP1 blocks of 64 KB (3.8 MB of EXIF)',
    },
    {
      name: 'gps-out-of-range.jpg',
      bytes: exif({ gps: gpsIfd(200, 500) }),
      expect: 'ok',
      why: 'latitude 200, longitude 500',
    },
    { name: 'gps-zero.jpg', bytes: exif({ gps: gpsIfd(0, 0) }), expect: 'ok', why: '0,0 GPS (empty block)' },
    {
      name: 'year-0.jpg',
      bytes: exif({ exif: { [TAG.DateTimeOriginal]: { ascii: '0000:00:00 00:00:00' } } }),
      expect: 'ok',
      why: 'date in year 0',
    },
    {
      name: 'year-9999.jpg',
      bytes: exif({ exif: { [TAG.DateTimeOriginal]: { ascii: '9999:12:31 23:59:59' } } }),
      expect: 'ok',
      why: 'date in year 9999',
    },
    {
      name: 'date-garbage.jpg',
      bytes: exif({
        exif: {
          [TAG.DateTimeOriginal]: { ascii: '2021:13:45 99:99:99' },
          [TAG.OffsetTimeOriginal]: { ascii: '+99:99' },
        },
      }),
      expect: 'ok',
      why: 'impossible date and offset',
    },
    {
      name: 'orientation-99.jpg',
      bytes: exif({ ifd0: { [TAG.Orientation]: { short: 99 } } }),
      expect: 'ok',
      why: 'orientation outside 1–8',
    },
    {
      name: 'make-binary.jpg',
      bytes: exif({ ifd0: { [TAG.Make]: { ascii: '\u0001\u0002\u00ff\ufffd' } } }),
      expect: 'ok',
      why: 'control characters in Make',
    },
    {
      name: 'bomb-50000.png',
      bytes: await makeLyingPng(50_000, 50_000),
      expect: 'error',
      why: '50,000 × 50,000 PNG header (decompression bomb)',
    },
    {
      name: 'bomb-wide.png',
      bytes: await makeLyingPng(1_000_000, 200),
      expect: 'error',
      why: '1,000,000 px wide PNG',
    },
    { name: 'truncated.png', bytes: png.subarray(0, 60), expect: 'either', why: 'PNG cut inside IDAT' },
    { name: 'bad-crc.png', bytes: breakPngCrc(png), expect: 'either', why: 'PNG with a wrong IHDR checksum' },
    {
      name: 'gif-10000-frames.gif',
      bytes: manyFrameGif(10_000),
      expect: 'either',
      why: 'animated GIF of 10,000 frames',
    },
    {
      name: 'truncated.gif',
      bytes: manyFrameGif(3).subarray(0, 30),
      expect: 'either',
      why: 'GIF cut mid-frame',
    },
    {
      name: 'riff-only.webp',
      bytes: cat(enc('RIFF'), new Uint8Array([0xff, 0xff, 0xff, 0x7f]), enc('WEBPVP8 ')),
      expect: 'error',
      why: 'WebP header claiming 2 GB',
    },
    {
      name: 'tiff-header.tif',
      bytes: cat(enc('II*\0'), new Uint8Array([8, 0, 0, 0, 0, 0])),
      expect: 'error',
      why: 'TIFF with an empty IFD',
    },
    {
      name: 'ftyp-only.heic',
      bytes: box('ftyp', cat(enc('heic'), new Uint8Array(4), enc('mif1heic'))),
      expect: 'error',
      why: 'HEIC with only its ftyp box',
    },
    {
      name: 'jxl-garbage.jxl',
      bytes: cat(new Uint8Array([0xff, 0x0a]), random.subarray(0, 500)),
      expect: 'error',
      why: 'JPEG XL signature then noise',
    },
    {
      name: 'jxl-bomb-50000.jxl',
      bytes: lyingJxl(50_000, 50_000),
      expect: 'error',
      why: 'JPEG XL header claiming 50,000 × 50,000 (refused from the header, before libjxl)',
    },
    {
      name: 'avif-garbage.avif',
      bytes: cat(
        box('ftyp', cat(enc('avif'), new Uint8Array(4), enc('mif1avif'))),
        box('meta', random.subarray(0, 300)),
      ),
      expect: 'error',
      why: 'AVIF with a garbage meta box',
    },
    {
      name: 'mp4-huge-atom.mp4',
      bytes: cat(
        box('ftyp', cat(enc('isom'), new Uint8Array(4), enc('isomavc1'))),
        box('moov', random.subarray(0, 64), 0xfffffff0),
      ),
      expect: 'either',
      why: 'moov atom claiming 4 GB',
    },
    {
      name: 'mp4-tiny-atom.mp4',
      bytes: cat(
        box('ftyp', cat(enc('isom'), new Uint8Array(4), enc('isom'))),
        box('moov', new Uint8Array(16), 4),
      ),
      expect: 'either',
      why: 'atom smaller than its own header',
    },
    {
      name: 'svg.jpg',
      bytes: enc(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="100%" height="100%"/></svg>',
      ),
      expect: 'error',
      why: 'SVG (not a photo format) named .jpg',
    },
    { name: '../../etc/passwd.jpg', bytes: jpeg, expect: 'ok', why: 'name with ../ (content is fine)' },
    { name: 'nul\u0000byte.jpg', bytes: jpeg, expect: 'ok', why: 'name with a NUL' },
    {
      name: 'фото 📷 e\u0301.jpg',
      bytes: jpeg,
      expect: 'ok',
      why: 'unicode name (Cyrillic, emoji, combining accent)',
    },
  ];
  if (sources.heic) {
    c.push({
      name: 'truncated.heic',
      bytes: sources.heic.subarray(0, sources.heic.length >> 1),
      expect: 'either',
      why: 'real HEIC cut in half',
    });
    c.push({
      name: 'truncated-head.heic',
      bytes: sources.heic.subarray(0, 1024),
      expect: 'error',
      why: 'real HEIC, first 1 KB',
    });
  }
  if (sources.mp4) {
    c.push({
      name: 'truncated.mp4',
      bytes: sources.mp4.subarray(0, sources.mp4.length >> 1),
      expect: 'either',
      why: 'real MP4 cut in half',
    });
    const broken = sources.mp4.slice();
    // Corrupt the size of the second top-level atom.
    const first = new DataView(broken.buffer).getUint32(0);
    if (first + 4 < broken.length) new DataView(broken.buffer).setUint32(first, 0x7ffffff0);
    c.push({
      name: 'malformed-atom.mp4',
      bytes: broken,
      expect: 'either',
      why: 'real MP4 with a lying atom size',
    });
  }
  return c;
}
