/**
 * Tags as a metadata reader returns them, keyed by exiftool's tag names without group
 * (`DateTimeOriginal`, `GPSLatitude`, …) with numeric values where exiftool's `-n` gives
 * numbers. Every reader maps its library's output onto these names so one normalizer
 * (normalize-metadata.ts) serves all of them.
 */
export type RawTags = Readonly<Record<string, unknown>>;

/**
 * Merge an XMP sidecar's tags over the file's: the sidecar wins for every tag it holds
 * (what Immich does), but file-level facts (size, type, pixel dimensions) stay the file's.
 */
export function mergeSidecar(file: RawTags, sidecar: RawTags): RawTags {
  const keep = new Set([
    'MIMEType',
    'FileType',
    'ImageWidth',
    'ImageHeight',
    'FileSize',
    'Duration',
    'SourceFile',
    'FileName',
  ]);
  const out: Record<string, unknown> = { ...file };
  for (const [k, v] of Object.entries(sidecar)) {
    if (keep.has(k) || v === undefined || v === null || v === '') continue;
    out[k] = v;
  }
  return out;
}
