import type { MediaInput } from './media-input.ts';
import type { RawTags } from './raw-tags.ts';

/**
 * Reads a file's tags (EXIF, IPTC, XMP, QuickTime, maker notes) and maps them onto exiftool's
 * tag names (see raw-tags.ts). Backends: exiftool-vendored (Node), exifr (browser, also Node).
 * Throws MediaError: MEDIA_EMPTY_FILE, MEDIA_NOT_FOUND, MEDIA_TIMEOUT; returns what it could read
 * for damaged files rather than failing.
 */
export interface MetadataReader {
  readonly name: string;
  readTags(input: MediaInput): Promise<RawTags>;
  /** Extract an embedded binary (e.g. a RAW file's `JpgFromRaw` / `PreviewImage`); undefined when absent. */
  readBinaryTag?(input: MediaInput, tag: string): Promise<Uint8Array | undefined>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
