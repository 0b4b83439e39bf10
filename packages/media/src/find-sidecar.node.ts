import { access } from 'node:fs/promises';
import type { MediaInput } from './media-input.ts';

/**
 * The XMP sidecar of a file on disk, if any: `photo.jpg.xmp` first (darktable, digiKam,
 * Immich), then `photo.xmp` (Lightroom), upper- or lowercase extension.
 */
export async function findSidecar(path: string): Promise<MediaInput | undefined> {
  const stem = path.replace(/\.[^./\\]+$/, '');
  const candidates = [`${path}.xmp`, `${path}.XMP`, ...(stem !== path ? [`${stem}.xmp`, `${stem}.XMP`] : [])];
  for (const c of candidates) {
    try {
      await access(c);
      return { path: c };
    } catch {
      // not this one
    }
  }
  return undefined;
}
