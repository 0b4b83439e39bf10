/**
 * Hash + probe of one file, in the worker: EXIF date and camera (exifr), dimensions after
 * EXIF orientation (createImageBitmap applies it), a WebP thumbnail (250 px short side,
 * q80, as on the home node) and a thumbhash. Videos get their hash and type here; the home
 * node probes them properly.
 */
import exifr from 'exifr';
import { rgbaToThumbHash } from 'thumbhash';
import { hashBlob } from './hash-blob.ts';
import type { ProcessedFile } from './upload-queue.ts';

const THUMB_SHORT_SIDE = 250;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/=+$/, '');
}

function scaled(w: number, h: number, shortSide: number): [number, number] {
  const s = Math.min(1, shortSide / Math.min(w, h));
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

async function exifOf(file: Blob): Promise<{ capturedAt?: number; make?: string; model?: string }> {
  try {
    const tags = (await exifr.parse(file, ['DateTimeOriginal', 'CreateDate', 'Make', 'Model'])) as
      Record<string, unknown> | undefined;
    const date = tags?.['DateTimeOriginal'] ?? tags?.['CreateDate'];
    const out: { capturedAt?: number; make?: string; model?: string } = {};
    if (date instanceof Date && !Number.isNaN(date.getTime())) out.capturedAt = date.getTime();
    if (typeof tags?.['Make'] === 'string') out.make = tags['Make'].trim();
    if (typeof tags?.['Model'] === 'string') out.model = tags['Model'].trim();
    return out;
  } catch {
    // No or broken EXIF: the file's own time stands in; the home node reads it again later.
    return {};
  }
}

export async function processFile(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<ProcessedFile> {
  const hash = await hashBlob(file, (f) => onProgress(f * 0.8));
  const isVideo = file.type.startsWith('video/');
  const exif = isVideo ? {} : await exifOf(file);
  const out: ProcessedFile = {
    hash,
    type: isVideo ? 'video' : 'image',
    mime: file.type || 'application/octet-stream',
    width: 0,
    height: 0,
    capturedAt: exif.capturedAt ?? file.lastModified,
  };
  if (exif.make !== undefined || exif.model !== undefined) {
    out.camera = {};
    if (exif.make !== undefined) out.camera.make = exif.make;
    if (exif.model !== undefined) out.camera.model = exif.model;
  }
  if (!isVideo && typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function') {
    const bitmap = await createImageBitmap(file);
    out.width = bitmap.width;
    out.height = bitmap.height;
    const [tw, th] = scaled(bitmap.width, bitmap.height, THUMB_SHORT_SIDE);
    const canvas = new OffscreenCanvas(tw, th);
    const ctx = canvas.getContext('2d');
    if (ctx) {
      ctx.drawImage(bitmap, 0, 0, tw, th);
      out.thumbnail = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
      const s = 100 / Math.max(tw, th);
      const [hw, hh] = [Math.max(1, Math.round(tw * s)), Math.max(1, Math.round(th * s))];
      const small = new OffscreenCanvas(hw, hh);
      const sctx = small.getContext('2d');
      if (sctx) {
        sctx.drawImage(bitmap, 0, 0, hw, hh);
        out.thumbhash = toBase64(rgbaToThumbHash(hw, hh, sctx.getImageData(0, 0, hw, hh).data));
      }
    }
    bitmap.close();
  }
  onProgress(1);
  return out;
}
