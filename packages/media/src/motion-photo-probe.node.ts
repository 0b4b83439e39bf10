import { open } from 'node:fs/promises';
import type { MediaInput } from './media-input.ts';
import type { MotionPhotoHint } from './media-metadata.ts';
import { probeMotionPhoto } from './motion-photo-probe.ts';

/**
 * {@link probeMotionPhoto} on a file or bytes: a few positional reads (the first 256 KiB, the
 * tail, box headers), never the whole file. Undefined for a plain photo, and for a file that
 * cannot be read (the caller already read its tags, so it is not a new failure).
 */
export async function probeMotionPhotoFile(input: MediaInput): Promise<MotionPhotoHint | undefined> {
  if ('bytes' in input) {
    const b = input.bytes;
    return probeMotionPhoto(async (o, n) => b.subarray(o, o + n), b.byteLength);
  }
  let fh;
  try {
    fh = await open(input.path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await fh.stat();
    return await probeMotionPhoto(async (offset, length) => {
      const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      return buf.subarray(0, bytesRead);
    }, size);
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}
