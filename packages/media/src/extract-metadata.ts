import { MediaError } from './errors.ts';
import { inputName, type MediaInput } from './media-input.ts';
import type { MediaMetadata } from './media-metadata.ts';
import type { MetadataReader } from './metadata-reader.ts';
import { normalizeMetadata } from './normalize-metadata.ts';
import { mergeSidecar } from './raw-tags.ts';

/** Options for {@link extractMetadata}. */
export interface ExtractMetadataOptions {
  /** An XMP sidecar (`photo.jpg.xmp` or `photo.xmp`); its tags win over the file's. */
  sidecar?: MediaInput;
  /** The file's modification time, used only when no date tag is usable. */
  fileTimeMs?: number;
}

/**
 * Read and normalize a file's metadata, merging its sidecar. A sidecar that cannot be read
 * adds a warning and is otherwise ignored: the photo's own tags still count.
 */
export async function extractMetadata(
  reader: MetadataReader,
  input: MediaInput,
  opts: ExtractMetadataOptions = {},
): Promise<MediaMetadata> {
  let tags = await reader.readTags(input);
  let sidecarOk = false;
  const sidecarWarnings: string[] = [];
  if (opts.sidecar) {
    try {
      tags = mergeSidecar(tags, await reader.readTags(opts.sidecar));
      sidecarOk = true;
    } catch (e) {
      sidecarWarnings.push(
        `sidecar ${inputName(opts.sidecar)} unreadable: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  const facts = opts.fileTimeMs === undefined ? {} : { fileTimeMs: opts.fileTimeMs };
  const meta = normalizeMetadata(tags, facts);
  if (sidecarOk) meta.sidecar = true;
  meta.warnings.push(...sidecarWarnings);
  return meta;
}

/** Throw MEDIA_EMPTY_FILE for zero-length input; shared by the readers and codecs. */
export function assertNotEmpty(input: MediaInput, size: number): void {
  if (size === 0)
    throw new MediaError(
      'MEDIA_EMPTY_FILE',
      inputName(input),
      'the file is empty (0 bytes); it was kept, re-copy it from the source',
    );
}
