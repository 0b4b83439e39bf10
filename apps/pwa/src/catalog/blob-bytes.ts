/**
 * The bytes a small Blob was made from, kept beside it while it lives (a WeakMap), so the
 * media cache stores a just-fetched thumbnail without reading the Blob back: in Chromium each
 * read of a Blob is a round trip to the browser process (measured: bench/pwa-blob).
 */
const known = new WeakMap<Blob, ArrayBuffer>();

/** A Blob of `bytes`, which must not be changed afterwards (they are what `bytesOf` returns). */
export function blobOf(bytes: ArrayBuffer, type: string): Blob {
  const blob = new Blob([bytes], { type });
  known.set(blob, bytes);
  return blob;
}

/** The Blob's bytes: those it was made from by `blobOf`, else read. */
export function bytesOf(blob: Blob): Promise<ArrayBuffer> {
  const b = known.get(blob);
  return b ? Promise.resolve(b) : blob.arrayBuffer();
}
