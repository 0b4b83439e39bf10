import type { MediaInput } from './media-input.ts';
import type { RgbaImage } from './rgba-image.ts';

/** One encoded output of a render: short side in px (never enlarged), format, quality 1–100. */
export interface EncodeTarget {
  name: string;
  shortSide: number;
  format: 'webp' | 'jpeg';
  quality: number;
}

/** One raw-pixel output: fitted inside `maxSide` (aspect kept), or exactly `width`×`height`. */
export interface PixelTarget {
  name: string;
  maxSide?: number;
  width?: number;
  height?: number;
}

/** What to make from one decode. */
export interface RenderRequest {
  encode: EncodeTarget[];
  pixels: PixelTarget[];
  /** Refuse images with more pixels than this before decoding them (decompression bombs). */
  maxInputPixels: number;
}

/** An encoded image. */
export interface EncodedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
  format: 'webp' | 'jpeg';
}

/** The result of one render: source size after orientation, and every requested output. */
export interface RenderResult {
  width: number;
  height: number;
  /** The decoder that produced the pixels (e.g. `sharp`, `libheif-wasm`, `jxl-wasm`). */
  decoder: string;
  encoded: Record<string, EncodedImage>;
  pixels: Record<string, RgbaImage>;
}

/**
 * Decodes an image once (shrink-on-load where the format allows), applies EXIF orientation,
 * converts to sRGB, and derives every requested size from that one decode. Backends: sharp
 * (+ wasm libheif / libjxl where libvips lacks a decoder) in Node, createImageBitmap +
 * OffscreenCanvas in the browser. Errors are MediaError (MEDIA_EMPTY_FILE,
 * MEDIA_UNSUPPORTED_FORMAT, MEDIA_CORRUPT_FILE, MEDIA_TOO_LARGE).
 */
export interface ImageCodec {
  readonly name: string;
  render(input: MediaInput, request: RenderRequest): Promise<RenderResult>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
