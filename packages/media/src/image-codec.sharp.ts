import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp, { type Sharp } from 'sharp';
import { MediaError } from './errors.ts';
import type { EncodedImage, EncodeTarget, ImageCodec, RenderRequest, RenderResult } from './image-codec.ts';
import { imageHeaderSize } from './image-header.ts';
import { inputName, type MediaInput } from './media-input.ts';
import { fitInside, resizeArea, type RgbaImage } from './rgba-image.ts';
import { sniffMime } from './sniff-mime.ts';
import { createWasmDecoderPool } from './wasm-decoder-pool.node.ts';
import { decodeHeic, decodeJxl } from './wasm-decoders.ts';

/** Options for {@link createSharpCodec}. */
export interface SharpCodecOptions {
  /** Per-operation bound in seconds (default 60), so a pathological file cannot hang ingest. */
  timeoutSeconds?: number;
  /**
   * Worker threads for the HEIC / JPEG XL wasm decoders (default 2 at most; 0 decodes on the
   * calling thread, which blocks its event loop ~1.4 s per 12 MP HEIC).
   */
  wasmWorkers?: number;
}

const require = createRequire(import.meta.url);
const loadJxlWasm = async (): Promise<WebAssembly.Module> =>
  WebAssembly.compile(await readFile(require.resolve('@jsquash/jxl/codec/dec/jxl_dec.wasm')));

/**
 * ImageCodec on sharp (libvips). One decode per image: the source is decoded once at the
 * largest requested size (libvips shrinks JPEG/WebP on load), auto-oriented and converted to
 * sRGB into a raw buffer; every output is derived from that buffer. HEIC (HEVC) and JPEG XL,
 * which the prebuilt libvips cannot decode, go through the wasm decoders in worker threads.
 */
export function createSharpCodec(opts: SharpCodecOptions = {}): ImageCodec {
  const timeout = { seconds: opts.timeoutSeconds ?? 60 };
  const pool =
    opts.wasmWorkers === 0
      ? undefined
      : createWasmDecoderPool({
          ...(opts.wasmWorkers ? { size: opts.wasmWorkers } : {}),
          timeoutMs: timeout.seconds * 1000,
        });
  const heic = (b: Uint8Array, name: string, max: number) =>
    pool ? pool.decode('heic', b, name, max) : decodeHeic(b, name, max);
  const jxl = (b: Uint8Array, name: string, max: number) =>
    pool ? pool.decode('jxl', b, name, max) : decodeJxl(b, name, max, loadJxlWasm);
  return {
    name: 'sharp',
    async start() {},
    async stop() {
      await pool?.stop();
    },
    async render(input: MediaInput, req: RenderRequest): Promise<RenderResult> {
      const name = inputName(input);
      const src = await sourceOf(input, name);
      const head = typeof src === 'string' ? readHead(src) : src.subarray(0, 64);
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
          fallback = await jxl(await bytesOf(src), name, req.maxInputPixels);
          decoder = 'jxl-wasm';
        } else {
          // A JPEG's size comes from its header in JS (no libvips open, no thread hop: about
          // 1 ms of CPU a photo during an ingest); anything else, or a JPEG whose frame header
          // is not in its first 256 KB, asks libvips.
          const quick = mime === 'image/jpeg' ? jpegSize(src) : undefined;
          const meta = quick
            ? undefined
            : await sharp(src, { limitInputPixels: false, failOn: 'none' }).metadata();
          const w = quick?.width ?? meta?.autoOrient?.width ?? meta?.width;
          const h = quick?.height ?? meta?.autoOrient?.height ?? meta?.height;
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
          if (meta?.format === 'heif' && meta.compression === 'hevc') {
            fallback = await heic(await bytesOf(src), name, req.maxInputPixels);
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
      // The smallest encoded size is resized once to raw pixels; it is encoded from there, and the
      // tiny pixel outputs (thumbhash, dHash) are area-averaged from it in JS: same picture, and
      // no further native pass. Larger outputs start at once from the decode, in parallel.
      const smallest = req.encode.reduce<EncodeTarget | undefined>(
        (a, t) => (!a || t.shortSide < a.shortSide ? t : a),
        undefined,
      );
      const encode = async (t: EncodeTarget, p: Sharp): Promise<void> => {
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
      };
      const fit = (side: number) => ({
        width: side,
        height: side,
        fit: 'outside' as const,
        withoutEnlargement: true,
      });
      // Largest target first; each smaller one is averaged from the smallest image made so far
      // that still covers it (dHash 9×8 from the thumbhash's 100 px, not from the thumbnail).
      const pixelsFrom = (src: { data: Uint8Array; width: number; height: number; channels: number }) => {
        const sized = req.pixels.map((t) => ({
          t,
          size: t.maxSide
            ? fitInside(src.width, src.height, t.maxSide)
            : { width: t.width ?? 1, height: t.height ?? 1 },
        }));
        sized.sort((a, b) => b.size.width * b.size.height - a.size.width * a.size.height);
        let from = src;
        for (const { t, size } of sized) {
          const img = resizeArea(from, size.width, size.height);
          pixels[t.name] = img;
          if (img.width >= 16 && img.height >= 16) from = { ...img, channels: 4 };
        }
      };
      try {
        await Promise.all([
          ...req.encode
            .filter((t) => t !== smallest)
            .map((t) => encode(t, sharp(decoded.data, raw).resize(fit(t.shortSide)))),
          (async () => {
            if (!smallest) return pixelsFrom(decoded);
            const small = await sharp(decoded.data, raw)
              .resize(fit(smallest.shortSide))
              .raw()
              .toBuffer({ resolveWithObject: true });
            const s = {
              data: small.data,
              width: small.info.width,
              height: small.info.height,
              channels: small.info.channels,
            };
            const webp = encode(
              smallest,
              sharp(s.data, { raw: { width: s.width, height: s.height, channels: s.channels } }),
            );
            // Pixel targets larger than the small size come from the full decode.
            const big = req.pixels.some(
              (t) =>
                Math.max(t.maxSide ?? 0, t.width ?? 0, t.height ?? 0) > Math.min(s.width, s.height) &&
                Math.min(s.width, s.height) < Math.min(decoded.width, decoded.height),
            );
            pixelsFrom(big ? decoded : s);
            await webp.finally(() => release(s.data));
          })(),
        ]);
      } catch (e) {
        throw classify(e, name);
      } finally {
        release(decoded.data);
      }
      return { width: size.width, height: size.height, decoder, encoded, pixels };
    },
  };
}

/**
 * Frees the decode's pixels (8 MB for a 1440 px preview size) as soon as every output is made,
 * instead of at V8's next full GC: outside V8's heap, such buffers count against its global
 * limit, and while they wait as garbage every allocation check can start a full GC. Only a
 * buffer this render alone holds (sharp's output, whole) is detached.
 */
function release(b: Uint8Array): void {
  const ab = b.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (b.byteOffset === 0 && b.byteLength === ab.byteLength && typeof ab.transfer === 'function')
    ab.transfer(0);
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
    // Synchronous on purpose: a stat from the page cache takes microseconds, while an async one
    // waits for a libuv thread, and those are all busy with sharp's decodes during an ingest.
    s = statSync(input.path);
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

/** The first `n` bytes (64 by default), read synchronously (see sourceOf). */
function readHead(path: string, buf = new Uint8Array(64)): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Reused for JPEG headers (synchronous reads: one call at a time uses it). */
const jpegHead = new Uint8Array(256 * 1024);

/**
 * A JPEG's size after its EXIF orientation, from the frame header in its first 256 KB (after
 * the EXIF, XMP and other APPn segments), or undefined when it is not there or unreadable.
 */
function jpegSize(src: string | Uint8Array): { width: number; height: number } | undefined {
  try {
    const bytes = typeof src === 'string' ? readHead(src, jpegHead) : src.subarray(0, jpegHead.length);
    const h = imageHeaderSize(bytes);
    if (h.type !== 'jpg' || !h.width || !h.height) return undefined;
    const swap = (h.orientation ?? 1) >= 5;
    return { width: swap ? h.height : h.width, height: swap ? h.width : h.height };
  } catch {
    return undefined;
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
