import { MediaError } from './errors.ts';
import type { EncodedImage, EncodeTarget, ImageCodec } from './image-codec.ts';
import { inputName, type MediaInput } from './media-input.ts';
import { dHash } from './perceptual-hash.ts';
import { isRawMime } from './sniff-mime.ts';
import { encodeThumbHash } from './thumbhash-encode.ts';

/**
 * Bump when the derivative recipe changes, so the reconcile loop regenerates them.
 * 2: thumbhash (from 32 px, was 100) and dHash pixels area-averaged from the thumbnail in JS
 *    (were libvips resizes).
 * Not bumped for the integer ThumbHash encoder (thumbhash-encode.ts): its output is the
 * library's, byte for byte (24-bit cosines; the library itself for the rare image near a
 * rounding boundary).
 */
export const DERIVATIVES_PIPELINE_VERSION = 2;

/** Immich's defaults: thumbnail WebP 250 px short side q80, preview JPEG 1440 px q80. */
export const THUMBNAIL: EncodeTarget = { name: 'thumbnail', shortSide: 250, format: 'webp', quality: 80 };
export const PREVIEW: EncodeTarget = { name: 'preview', shortSide: 1440, format: 'jpeg', quality: 80 };
/**
 * Pixels fed to the ThumbHash encoder, long side. It keeps at most 7 cosine terms per axis, so
 * 32 px sample them well; at 100 px (the format's maximum) encoding took ~10 ms of main-thread
 * CPU per photo during ingest, for the same placeholder.
 */
export const THUMBHASH_INPUT_SIDE = 32;
/** 100 MP: above any camera this library expects; bombs (50,000² PNG) are refused unread. */
export const MAX_INPUT_PIXELS = 100_000_000;

/** Everything derived from one decode of an image. */
export interface Derivatives {
  /** Size of the source after orientation. */
  width: number;
  height: number;
  thumbnail: EncodedImage;
  preview: EncodedImage;
  /** ThumbHash, base64. */
  thumbhash: string;
  /** dHash, 16 hex chars (see perceptual-hash.ts). */
  phash: string;
  decoder: string;
  /** `embedded-preview` for RAW files, whose previews come from the JPEG inside them. */
  source: 'original' | 'embedded-preview';
  /** True when the only embedded preview was smaller than the preview size. */
  smallPreview?: boolean;
  pipelineVersion: number;
}

/** Options for {@link makeDerivatives}. */
export interface MakeDerivativesOptions {
  /** MIME type when known (from metadata); RAW types go through `embeddedPreview`. */
  mime?: string;
  /** Extract the largest embedded JPEG of a RAW file (MetadataReader.readBinaryTag does this). */
  embeddedPreview?: (input: MediaInput) => Promise<Uint8Array | undefined>;
  thumbnail?: EncodeTarget;
  preview?: EncodeTarget;
  maxInputPixels?: number;
}

/**
 * Thumbnail, preview, thumbhash and perceptual hash from a single decode of `input`.
 * RAW files use their embedded full-size JPEG (marked `smallPreview` when it is small).
 */
export async function makeDerivatives(
  codec: ImageCodec,
  input: MediaInput,
  opts: MakeDerivativesOptions = {},
): Promise<Derivatives> {
  const thumbnail = opts.thumbnail ?? THUMBNAIL;
  const preview = opts.preview ?? PREVIEW;
  let source: Derivatives['source'] = 'original';
  let decodeInput = input;
  if (opts.mime && isRawMime(opts.mime)) {
    const embedded = opts.embeddedPreview ? await opts.embeddedPreview(input) : undefined;
    if (!embedded) {
      throw new MediaError(
        'MEDIA_UNSUPPORTED_FORMAT',
        inputName(input),
        'RAW file without an embedded preview; the original is kept, but no preview can be made',
      );
    }
    decodeInput = { bytes: embedded, name: `${inputName(input)}.embedded.jpg` };
    source = 'embedded-preview';
  }
  const r = await codec.render(decodeInput, {
    encode: [
      { ...thumbnail, name: 'thumbnail' },
      { ...preview, name: 'preview' },
    ],
    pixels: [
      { name: 'thumbhash', maxSide: THUMBHASH_INPUT_SIDE },
      { name: 'phash', width: 9, height: 8 },
    ],
    maxInputPixels: opts.maxInputPixels ?? MAX_INPUT_PIXELS,
  });
  const th = r.pixels['thumbhash'];
  const ph = r.pixels['phash'];
  const t = r.encoded['thumbnail'];
  const p = r.encoded['preview'];
  if (!th || !ph || !t || !p)
    throw new MediaError(
      'MEDIA_CORRUPT_FILE',
      inputName(input),
      `codec ${codec.name} returned incomplete outputs`,
    );
  const out: Derivatives = {
    width: r.width,
    height: r.height,
    thumbnail: t,
    preview: p,
    thumbhash: toBase64(encodeThumbHash(th.width, th.height, th.data)),
    phash: dHash(ph),
    decoder: r.decoder,
    source,
    pipelineVersion: DERIVATIVES_PIPELINE_VERSION,
  };
  if (source === 'embedded-preview' && Math.min(r.width, r.height) < preview.shortSide)
    out.smallPreview = true;
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
