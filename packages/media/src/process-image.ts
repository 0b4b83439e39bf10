import { extractMetadata, type ExtractMetadataOptions } from './extract-metadata.ts';
import type { ImageCodec } from './image-codec.ts';
import { makeDerivatives, type Derivatives } from './make-derivatives.ts';
import { extensionOf, inputName, type MediaInput } from './media-input.ts';
import { isRawMime } from './sniff-mime.ts';
import type { MediaMetadata } from './media-metadata.ts';
import type { MetadataReader } from './metadata-reader.ts';

/** What the home node's ingest needs from one photo. */
export interface ProcessedImage {
  metadata: MediaMetadata;
  derivatives: Derivatives;
}

const RAW_EXTENSIONS = new Set([
  'cr2',
  'cr3',
  'nef',
  'nrw',
  'arw',
  'srf',
  'sr2',
  'raf',
  'rw2',
  'dng',
  'orf',
  'pef',
  'srw',
  'x3f',
  '3fr',
  'iiq',
  'rwl',
]);

/** Embedded previews of RAW files, largest first. */
const RAW_PREVIEW_TAGS = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage'];

/**
 * Metadata and derivatives of one photo: what `hearth import` does per image. RAW files get
 * their previews from the largest embedded JPEG the reader can extract.
 */
export async function processImage(
  deps: { reader: MetadataReader; codec: ImageCodec },
  input: MediaInput,
  opts: ExtractMetadataOptions = {},
): Promise<ProcessedImage> {
  // exiftool runs in its own process: overlap it with the decode unless the name says RAW
  // (a RAW must wait for its MIME type, or sharp would read its small TIFF thumbnail).
  const maybeRaw = RAW_EXTENSIONS.has(extensionOf(inputName(input)));
  const early = maybeRaw
    ? undefined
    : makeDerivatives(deps.codec, input).then(
        (d) => ({ d }),
        (e: unknown) => ({ e }),
      );
  const metadata = await extractMetadata(deps.reader, input, opts);
  if (early && !isRawMime(metadata.mime)) {
    const r = await early;
    if ('e' in r) throw r.e;
    return { metadata, derivatives: r.d };
  }
  await early; // settle it before doing the RAW path
  const readBinary = deps.reader.readBinaryTag?.bind(deps.reader);
  const derivatives = await makeDerivatives(deps.codec, input, {
    mime: metadata.mime,
    ...(readBinary
      ? {
          embeddedPreview: async (i: MediaInput) => {
            for (const tag of RAW_PREVIEW_TAGS) {
              const b = await readBinary(i, tag);
              if (b?.byteLength) return b;
            }
            return undefined;
          },
        }
      : {}),
  });
  return { metadata, derivatives };
}
