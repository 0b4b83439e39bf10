import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { MediaError } from './errors.ts';
import type { EncodedImage, EncodeTarget, ImageCodec, RenderRequest, RenderResult } from './image-codec.ts';
import { inputName, type MediaInput } from './media-input.ts';
import type { RgbaImage } from './rgba-image.ts';
import { sniffMime } from './sniff-mime.ts';
import { decodeHeic, decodeJxl } from './wasm-decoders.ts';

/** Options for {@link createSharpCodec}. */
export interface SharpCodecOptions {
  /** Per-operation bound in seconds (default 60), so a pathological file cannot hang ingest. */
  timeoutSeconds?: number;
}

const require = createRequire(import.meta.url);
const loadJxlWasm = async (): Promise<WebAssembly.Module> =>
  WebAssembly.compile(await readFile(require.resolve('@jsquash/jxl/codec/dec/jxl_dec.wasm')));

/**
 * ImageCodec on sharp (libvips). One decode per image: the source is decoded once at the
 * largest requested size (libvips shrinks JPEG/WebP on load), auto-oriented and converted to
 * sRGB into a raw buffer; every output is derived from that buffer. HEIC (HEVC) and JPEG XL,
 * which the prebuilt libvips cannot decode, go through the wasm decoders.
 */
export function createSharpCodec(opts: SharpCodecOptions = {}): ImageCodec {
  const timeout = { seconds: opts.timeoutSeconds ?? 60 };
  return {
    name: 'sharp',
    async start() {},
    async stop() {},
    async render(input: MediaInput, req: RenderRequest): Promise<RenderResult> {
      const name = inputName(input);
      const src = await sourceOf(input, name);
      const head = typeof src === 'string' ? await readHead(src) : src.subarray(0, 64);
      const mime = sniffMime(head, name);
      let decoded: { data: Uint8Array; width: number; height: number; channels: number };
      let size = { width: 0, height: 0 };
      let decoder = 'sharp';
      // Decode just large enough for the largest output (short side), so shrink-on-load can work.
      const longestShort = Math.max(
        1,
        ...req.encode.map((e) => e.shortSide),
        ...req.pixels.map((p) => Math.max(p.maxSide ?? 0, p.width ?? 0, p.height ?? 0)),
      );
      try {
        let fallback: RgbaImage | undefined;
        if (mime === 'image/jxl') {
          fallback = await decodeJxl(await bytesOf(src), name, req.maxInputPixels, loadJxlWasm);
          decoder = 'jxl-wasm';
        } else {
          const meta = await sharp(src, { limitInputPixels: false, failOn: 'none' }).metadata();
          const w = meta.autoOrient?.width ?? meta.width;
          const h = meta.autoOrient?.height ?? meta.height;
          if (!w || !h)
            throw new MediaError('MEDIA_CORRUPT_FILE', name, 'the image has no dimensions; it is damaged');
          size = { width: w, height: h };
          if (w * h > req.maxInputPixels) {
            throw new MediaError(
              'MEDIA_TOO_LARGE',
              name,
              `${w}x${h} exceeds the ${req.maxInputPixels}-pixel limit; not decoded (decompression bomb?)`,
            );
          }
          if (meta.format === 'heif' && meta.compression === 'hevc') {
            fallback = await decodeHeic(await bytesOf(src), name, req.maxInputPixels);
            decoder = 'libheif-wasm';
          }
        }
        const base = fallback
          ? sharp(fallback.data, { raw: { width: fallback.width, height: fallback.height, channels: 4 } })
          : sharp(src, {
              limitInputPixels: req.maxInputPixels,
              failOn: 'none',
              sequentialRead: true,
            }).rotate();
        const { data, info } = await base
          .timeout(timeout)
          .resize({ width: longestShort, height: longestShort, fit: 'outside', withoutEnlargement: true })
          .toColourspace('srgb')
          .raw({ depth: 'uchar' })
          .toBuffer({ resolveWithObject: true });
        decoded = { data, width: info.width, height: info.height, channels: info.channels };
        if (fallback) size = { width: fallback.width, height: fallback.height };
      } catch (e) {
        throw classify(e, name);
      }
      const raw = {
        raw: { width: decoded.width, height: decoded.height, channels: decoded.channels as 1 | 2 | 3 | 4 },
      };
      const encoded: Record<string, EncodedImage> = {};
      const pixels: Record<string, RgbaImage> = {};
      // Tiny outputs (thumbhash, dHash) are resized from the smallest encoded size, not from the
      // full decode: same pixels to within resampling, a fraction of the work.
      const smallest = req.encode.reduce<EncodeTarget | undefined>(
        (a, t) => (!a || t.shortSide < a.shortSide ? t : a),
        undefined,
      );
      const small = smallest
        ? await sharp(decoded.data, raw)
            .resize({
              width: smallest.shortSide,
              height: smallest.shortSide,
              fit: 'outside',
              withoutEnlargement: true,
            })
            .raw()
            .toBuffer({ resolveWithObject: true })
            .catch((e: unknown) => {
              throw classify(e, name);
            })
        : undefined;
      const pixelSource = small
        ? {
            data: small.data,
            raw: {
              raw: { width: small.info.width, height: small.info.height, channels: small.info.channels },
            },
          }
        : { data: decoded.data, raw };
      try {
        await Promise.all([
          ...req.encode.map(async (t) => {
            let p =
              t === smallest && small
                ? sharp(pixelSource.data, pixelSource.raw)
                : sharp(decoded.data, raw).resize({
                    width: t.shortSide,
                    height: t.shortSide,
                    fit: 'outside',
                    withoutEnlargement: true,
                  });
            p =
              t.format === 'jpeg'
                ? p.flatten({ background: '#ffffff' }).jpeg({ quality: t.quality })
                : p.webp({ quality: t.quality });
            const out = await p.timeout(timeout).toBuffer({ resolveWithObject: true });
            encoded[t.name] = {
              bytes: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength),
              width: out.info.width,
              height: out.info.height,
              format: t.format,
            };
          }),
          ...req.pixels.map(async (t) => {
            const src =
              t.maxSide && smallest && t.maxSide <= smallest.shortSide
                ? pixelSource
                : (t.width ?? 0) <= (smallest?.shortSide ?? 0) &&
                    (t.height ?? 0) <= (smallest?.shortSide ?? 0)
                  ? pixelSource
                  : { data: decoded.data, raw };
            const p = t.maxSide
              ? sharp(src.data, src.raw).resize({ width: t.maxSide, height: t.maxSide, fit: 'inside' })
              : sharp(src.data, src.raw).resize({ width: t.width ?? 1, height: t.height ?? 1, fit: 'fill' });
            const out = await p.ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
            pixels[t.name] = {
              width: out.info.width,
              height: out.info.height,
              data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength),
            };
          }),
        ]);
      } catch (e) {
        throw classify(e, name);
      }
      return { width: size.width, height: size.height, decoder, encoded, pixels };
    },
  };
}

async function sourceOf(input: MediaInput, name: string): Promise<string | Uint8Array> {
  if ('bytes' in input) {
    if (input.bytes.byteLength === 0)
      throw new MediaError(
        'MEDIA_EMPTY_FILE',
        name,
        'the file is empty (0 bytes); re-copy it from the source',
      );
    return input.bytes;
  }
  let s;
  try {
    s = await stat(input.path);
  } catch (e) {
    throw new MediaError(
      'MEDIA_NOT_FOUND',
      name,
      `cannot read ${JSON.stringify(input.path)}; check that it exists`,
      { cause: e },
    );
  }
  if (s.size === 0)
    throw new MediaError('MEDIA_EMPTY_FILE', name, 'the file is empty (0 bytes); re-copy it from the source');
  return input.path;
}

async function readHead(path: string): Promise<Uint8Array> {
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function bytesOf(src: string | Uint8Array): Promise<Uint8Array> {
  return typeof src === 'string' ? new Uint8Array(await readFile(src)) : src;
}

function classify(e: unknown, name: string): MediaError {
  if (e instanceof MediaError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/unsupported image format/i.test(msg))
    return new MediaError(
      'MEDIA_UNSUPPORTED_FORMAT',
      name,
      'not an image format this codec reads; the original is kept',
      { cause: e },
    );
  if (/pixel limit/i.test(msg))
    return new MediaError('MEDIA_TOO_LARGE', name, 'too many pixels to decode safely; the original is kept', {
      cause: e,
    });
  if (/timeout/i.test(msg))
    return new MediaError(
      'MEDIA_TIMEOUT',
      name,
      'decoding took too long and was stopped; the original is kept',
      { cause: e },
    );
  return new MediaError(
    'MEDIA_CORRUPT_FILE',
    name,
    `the image could not be decoded (${msg.slice(0, 160)}); the original is kept`,
    { cause: e },
  );
}
