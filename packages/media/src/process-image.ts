import { extractMetadata, type ExtractMetadataOptions } from './extract-metadata.ts';
import type { ImageCodec } from './image-codec.ts';
import { makeDerivatives, type Derivatives } from './make-derivatives.ts';
import type { MediaInput } from './media-input.ts';
import type { MediaMetadata } from './media-metadata.ts';
import type { MetadataReader } from './metadata-reader.ts';

/** What the home node's ingest needs from one photo. */
export interface ProcessedImage {
  metadata: MediaMetadata;
  derivatives: Derivatives;
}

/** Embedded previews of RAW files, largest first. */
const RAW_PREVIEW_TAGS = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage'];

/**
 * Metadata and derivatives of one photo: what `hearth import` does per image. RAW files get
 * their previews from the largest embedded JPEG the reader can extract.
 */
export async function processImage(deps: { reader: MetadataReader; codec: ImageCodec }, input: MediaInput, opts: ExtractMetadataOptions = {}): Promise<ProcessedImage> {
  const metadata = await extractMetadata(deps.reader, input, opts);
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
