import { imageHeaderSize } from './image-header.ts';
import type libheifModule from 'libheif-js/wasm-bundle.js';
import { MediaError } from './errors.ts';
import type { RgbaImage } from './rgba-image.ts';

/**
 * Decoders for the formats libvips (sharp's prebuilt) and browsers lack: HEIC with HEVC
 * (libheif compiled to wasm, with libde265) and JPEG XL (libjxl via @jsquash/jxl). Both
 * are portable; they run on the calling thread, so callers bound their concurrency.
 */

type Libheif = typeof libheifModule;
let libheifReady: Promise<Libheif> | undefined;

/** Decode the primary image of a HEIC/HEIF file to RGBA, with its irot/imir applied. */
export async function decodeHeic(bytes: Uint8Array, name: string, maxPixels: number): Promise<RgbaImage> {
  // Loaded on the first HEIC: its wasm (2 MB of JS with the wasm inlined) would otherwise be in every bundle
  // that can decode an image, such as the PWA's import worker.
  const libheif = await (libheifReady ??= import('libheif-js/wasm-bundle.js').then((m) => m.default));
  let images;
  try {
    images = new libheif.HeifDecoder().decode(bytes);
  } catch (e) {
    throw new MediaError(
      'MEDIA_CORRUPT_FILE',
      name,
      'libheif could not parse this HEIC; the original is kept',
      { cause: e },
    );
  }
  if (!images.length)
    throw new MediaError(
      'MEDIA_CORRUPT_FILE',
      name,
      'no image inside this HEIC (truncated or damaged); the original is kept',
    );
  const image = images.find((i) => i.is_primary()) ?? images[0];
  try {
    if (!image) throw new Error('unreachable');
    const width = image.get_width();
    const height = image.get_height();
    if (width * height > maxPixels) {
      throw new MediaError(
        'MEDIA_TOO_LARGE',
        name,
        `${width}x${height} exceeds the ${maxPixels}-pixel limit; not decoded`,
      );
    }
    const data = new Uint8ClampedArray(width * height * 4);
    const ok = await new Promise<boolean>((resolve) =>
      image.display({ data, width, height }, (r) => resolve(Boolean(r))),
    );
    if (!ok)
      throw new MediaError(
        'MEDIA_CORRUPT_FILE',
        name,
        'libheif could not decode the HEVC image data (truncated or damaged); the original is kept',
      );
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    for (const i of images) i.free();
  }
}

/** Supplies the compiled libjxl decoder (Node: from the package's .wasm file; browser: bundler URL). */
export type WasmModuleLoader = () => Promise<WebAssembly.Module>;

let jxlReady:
  | Promise<(b: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>>
  | undefined;

/** Decode a JPEG XL file to 8-bit RGBA; sizes over `maxPixels` are refused from the header. */
export async function decodeJxl(
  bytes: Uint8Array,
  name: string,
  maxPixels: number,
  loadWasm?: WasmModuleLoader,
): Promise<RgbaImage> {
  jxlReady ??= (async () => {
    const mod = await import('@jsquash/jxl/decode.js');
    if (loadWasm) await mod.init(await loadWasm());
    return mod.default as (
      b: ArrayBuffer,
    ) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
  })();
  // libjxl would allocate the whole canvas before we see its size: read the size from the
  // header first (image-size's parser reads the codestream SizeHeader, bare or in the container).
  let dims;
  try {
    dims = imageHeaderSize(bytes);
  } catch (e) {
    throw new MediaError(
      'MEDIA_CORRUPT_FILE',
      name,
      'the JPEG XL header cannot be read; the original is kept',
      { cause: e },
    );
  }
  const w = dims.width ?? 0;
  const h = dims.height ?? 0;
  if (!w || !h)
    throw new MediaError('MEDIA_CORRUPT_FILE', name, 'the JPEG XL header has no size; the original is kept');
  if (w * h > maxPixels)
    throw new MediaError(
      'MEDIA_TOO_LARGE',
      name,
      `${w}x${h} exceeds the ${maxPixels}-pixel limit; not decoded (decompression bomb?)`,
    );
  const decode = await jxlReady;
  let img;
  try {
    img = await decode(bytes.slice().buffer);
  } catch (e) {
    throw new MediaError(
      'MEDIA_CORRUPT_FILE',
      name,
      'libjxl could not decode this JPEG XL file; the original is kept',
      { cause: e },
    );
  }
  if (img.width * img.height > maxPixels) {
    throw new MediaError(
      'MEDIA_TOO_LARGE',
      name,
      `${img.width}x${img.height} exceeds the ${maxPixels}-pixel limit`,
    );
  }
  return {
    width: img.width,
    height: img.height,
    data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength),
  };
}
