import { imageHeaderSize } from './image-header.ts';
import { MediaError, type MediaErrorCode } from './errors.ts';
import type { EncodedImage, ImageCodec, RenderRequest, RenderResult } from './image-codec.ts';
import { inputName, type MediaInput } from './media-input.ts';
import { fitInside, fitShortSide, type RgbaImage } from './rgba-image.ts';
import { sniffMime } from './sniff-mime.ts';
import type { BrowserDecodeReply, BrowserDecodeRequest } from './wasm-decode.worker.browser.ts';
import { decodeHeic, decodeJxl, type WasmModuleLoader } from './wasm-decoders.ts';

/** Options for {@link createCanvasCodec}. */
export interface CanvasCodecOptions {
  /** Loads libjxl's wasm (a bundler URL in the PWA). */
  loadJxlWasm?: WasmModuleLoader;
  /**
   * Decode HEIC / JPEG XL in a Web Worker of their own (one per decode). Default: yes on a
   * page's main thread, no when the codec already runs in a worker.
   */
  decodeInWorker?: boolean;
  /** libjxl's wasm URL, for that worker (it cannot be handed `loadJxlWasm`). */
  jxlWasmUrl?: string;
}

/** HEIC / JPEG XL decode in a fresh Web Worker, ended after; errors keep their code. */
function decodeInWorker(
  kind: 'heic' | 'jxl',
  bytes: Uint8Array,
  name: string,
  maxPixels: number,
  jxlWasmUrl: string | undefined,
): Promise<RgbaImage> {
  const worker = new Worker(new URL('./wasm-decode.worker.browser.ts', import.meta.url), { type: 'module' });
  return new Promise<RgbaImage>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<BrowserDecodeReply>) => {
      worker.terminate();
      const m = e.data;
      if (m.ok) resolve({ width: m.width, height: m.height, data: m.data });
      else reject(new MediaError((m.code as MediaErrorCode) ?? 'MEDIA_CORRUPT_FILE', name, m.message));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new MediaError('MEDIA_TOOL_FAILED', name, `the decoder worker failed (${e.message})`));
    };
    const req: BrowserDecodeRequest = { kind, bytes, name, maxPixels, ...(jxlWasmUrl ? { jxlWasmUrl } : {}) };
    worker.postMessage(req);
  });
}

/**
 * ImageCodec on createImageBitmap + OffscreenCanvas: no DOM, so it runs in a Web Worker.
 * The header is read first (image-size) to refuse bombs before decoding; the browser then
 * decodes once, scaled to the largest output and oriented from EXIF (`imageOrientation:
 * 'from-image'`), and every output is drawn from that bitmap. HEIC and JPEG XL, which
 * Chromium cannot decode, go through the same wasm decoders as the Node backend.
 */
export function createCanvasCodec(opts: CanvasCodecOptions = {}): ImageCodec {
  const inWorker = opts.decodeInWorker ?? typeof document !== 'undefined';
  return {
    name: 'canvas',
    async start() {},
    async stop() {},
    async render(input: MediaInput, req: RenderRequest): Promise<RenderResult> {
      const name = inputName(input);
      if (!('bytes' in input))
        throw new MediaError('MEDIA_NOT_FOUND', name, 'the browser codec takes bytes; read the file first');
      const bytes = input.bytes;
      if (bytes.byteLength === 0)
        throw new MediaError(
          'MEDIA_EMPTY_FILE',
          name,
          'the file is empty (0 bytes); re-copy it from the source',
        );
      const mime = sniffMime(bytes.subarray(0, 64), name);
      if (!mime?.startsWith('image/'))
        throw new MediaError(
          'MEDIA_UNSUPPORTED_FORMAT',
          name,
          'not an image format this codec reads; the original is kept',
        );
      let decoder = 'canvas';
      let source: ImageBitmapSource;
      let width: number;
      let height: number;
      if (mime === 'image/heic' || mime === 'image/heif' || mime === 'image/jxl') {
        const raw: RgbaImage =
          mime === 'image/jxl'
            ? inWorker
              ? await decodeInWorker('jxl', bytes, name, req.maxInputPixels, opts.jxlWasmUrl)
              : await decodeJxl(bytes, name, req.maxInputPixels, opts.loadJxlWasm)
            : inWorker
              ? await decodeInWorker('heic', bytes, name, req.maxInputPixels, undefined)
              : await decodeHeic(bytes, name, req.maxInputPixels);
        decoder = mime === 'image/jxl' ? 'jxl-wasm' : 'libheif-wasm';
        source = new ImageData(
          new Uint8ClampedArray(raw.data.buffer as ArrayBuffer, raw.data.byteOffset, raw.data.byteLength),
          raw.width,
          raw.height,
        );
        ({ width, height } = raw);
      } else {
        let dims;
        try {
          dims = imageHeaderSize(bytes);
        } catch (e) {
          throw new MediaError(
            'MEDIA_CORRUPT_FILE',
            name,
            'the image header cannot be read; the original is kept',
            { cause: e },
          );
        }
        if (!dims.width || !dims.height)
          throw new MediaError('MEDIA_CORRUPT_FILE', name, 'the image has no dimensions; it is damaged');
        if (dims.width * dims.height > req.maxInputPixels) {
          throw new MediaError(
            'MEDIA_TOO_LARGE',
            name,
            `${dims.width}x${dims.height} exceeds the ${req.maxInputPixels}-pixel limit; not decoded`,
          );
        }
        const swap = (dims.orientation ?? 1) >= 5;
        width = swap ? dims.height : dims.width;
        height = swap ? dims.width : dims.height;
        source = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime });
      }
      const longest = Math.max(
        1,
        ...req.encode.map((e) => e.shortSide),
        ...req.pixels.map((p) => Math.max(p.maxSide ?? 0, p.width ?? 0, p.height ?? 0)),
      );
      const target = fitShortSide(width, height, longest);
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(source, {
          imageOrientation: 'from-image',
          resizeWidth: target.width,
          resizeHeight: target.height,
          resizeQuality: 'high',
        });
      } catch (e) {
        throw new MediaError(
          'MEDIA_CORRUPT_FILE',
          name,
          'the browser could not decode this image; the original is kept',
          { cause: e },
        );
      }
      try {
        const draw = (w: number, h: number, background?: string) => {
          const canvas = new OffscreenCanvas(w, h);
          const ctx = canvas.getContext('2d', { colorSpace: 'srgb' });
          if (!ctx) throw new MediaError('MEDIA_TOOL_FAILED', name, 'no 2D canvas available');
          if (background) {
            ctx.fillStyle = background;
            ctx.fillRect(0, 0, w, h);
          }
          ctx.imageSmoothingQuality = 'high';
          ctx.drawImage(bitmap, 0, 0, w, h);
          return { canvas, ctx };
        };
        const encoded: Record<string, EncodedImage> = {};
        for (const t of req.encode) {
          const size = fitShortSide(bitmap.width, bitmap.height, t.shortSide);
          const { canvas } = draw(size.width, size.height, t.format === 'jpeg' ? '#ffffff' : undefined);
          const blob = await canvas.convertToBlob({ type: `image/${t.format}`, quality: t.quality / 100 });
          encoded[t.name] = {
            bytes: new Uint8Array(await blob.arrayBuffer()),
            width: size.width,
            height: size.height,
            format: t.format,
          };
        }
        const pixels: Record<string, RgbaImage> = {};
        for (const p of req.pixels) {
          const size = p.maxSide
            ? fitInside(bitmap.width, bitmap.height, p.maxSide)
            : { width: p.width ?? 1, height: p.height ?? 1 };
          const { ctx } = draw(size.width, size.height);
          const data = ctx.getImageData(0, 0, size.width, size.height).data;
          pixels[p.name] = {
            width: size.width,
            height: size.height,
            data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
          };
        }
        return { width, height, decoder, encoded, pixels };
      } finally {
        bitmap.close();
      }
    },
  };
}
