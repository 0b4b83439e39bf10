import type { MotionPhotoHint } from './media-metadata.ts';
import { googleVideoLength } from './motion-photo.ts';

/** Reads up to `length` bytes at `offset` (fewer at the end of the file). */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

/** Google's XMP sits in a JPEG's first segments (as `googleVideoLength` reads it). */
const HEAD = 256 * 1024;
/** Samsung's trailer directory: 12 bytes a block, a handful of blocks (exiftool caps it at 64 KiB). */
const MAX_SEFH = 0x10000;
/** Samsung trailer block type of the embedded video (exiftool's Samsung::Trailer 0x0a30). */
const SAMSUNG_VIDEO_BLOCK = 0x0a30;
const MAX_BOXES = 64;

const ascii = (b: Uint8Array, from: number, len: number) =>
  String.fromCharCode(...b.subarray(from, from + len));
const u32le = (b: Uint8Array, at: number) =>
  ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
  (b[at + 3] as number) * 0x1000000;

/**
 * Whether a photo hides a motion video, from a few small reads instead of the whole file: the
 * first 256 KiB (Google MotionPhoto / MicroVideo XMP), the tail (Samsung's `SEFH`/`SEFT`
 * trailer, whose directory names a `MotionPhoto_Data` block) and, in a HEIF file, the
 * top-level box headers (Samsung's `mpvd`). A candidate counts only when an MP4 `ftyp` box
 * starts where it points. For photos whose tags did not say so: the tags of an edited or
 * re-saved file can lose the flag while the video is still in the bytes.
 */
export async function probeMotionPhoto(read: ReadRange, size: number): Promise<MotionPhotoHint | undefined> {
  if (size < 16) return undefined;
  const isVideoAt = async (at: number): Promise<boolean> => {
    if (!Number.isSafeInteger(at) || at < 0 || at + 12 > size) return false;
    return ascii(await read(at, 12), 4, 4) === 'ftyp';
  };
  const head = await read(0, Math.min(size, HEAD));
  const isHeif = ascii(head, 4, 4) === 'ftyp';
  if (!isHeif) {
    const fromEnd = googleVideoLength(head);
    if (fromEnd !== undefined && fromEnd < size && (await isVideoAt(size - fromEnd)))
      return { vendor: 'google', videoLengthFromEnd: fromEnd };
  }
  const samsung = await samsungTrailerVideo(read, size);
  if (samsung && (await isVideoAt(samsung.videoOffset))) return { vendor: 'samsung', ...samsung };
  if (isHeif) {
    const box = await findTopLevelBox(read, size, 'mpvd');
    if (box && (await isVideoAt(box.start)))
      return { vendor: 'samsung', videoOffset: box.start, videoSize: box.end - box.start };
  }
  return undefined;
}

/**
 * The `MotionPhoto_Data` block of a Samsung trailer: the file ends with `SEFH` directory,
 * its length and `SEFT`; each entry gives a block type, its distance back from the directory
 * and its size; a block is its entry's 4 bytes, a name length, the name, then the data.
 */
async function samsungTrailerVideo(
  read: ReadRange,
  size: number,
): Promise<{ videoOffset: number; videoSize: number } | undefined> {
  const end = await read(size - 8, 8);
  if (end.length < 8 || ascii(end, 4, 4) !== 'SEFT') return undefined;
  const len = u32le(end, 0);
  const dirPos = size - 8 - len;
  if (len < 12 || len > MAX_SEFH || dirPos < 0) return undefined;
  const dir = await read(dirPos, len);
  if (dir.length < len || ascii(dir, 0, 4) !== 'SEFH') return undefined;
  const count = u32le(dir, 8);
  if (12 + 12 * count > len) return undefined;
  for (let i = 0; i < count; i++) {
    const e = 12 + 12 * i;
    const type = (dir[e + 2] as number) | ((dir[e + 3] as number) << 8);
    const noff = u32le(dir, e + 4);
    const blockSize = u32le(dir, e + 8);
    if (noff > dirPos || blockSize > noff || blockSize < 8) return undefined;
    const at = dirPos - noff;
    const header = await read(at, 8 + 64);
    if (header.length < 8) return undefined;
    const nameLen = u32le(header, 4);
    if (nameLen > 64 || 8 + nameLen > blockSize) continue;
    const name = ascii(header, 8, nameLen);
    if (type !== SAMSUNG_VIDEO_BLOCK && name !== 'MotionPhoto_Data') continue;
    return { videoOffset: at + 8 + nameLen, videoSize: blockSize - 8 - nameLen };
  }
  return undefined;
}

/** A top-level ISOBMFF box by type: its payload's start and end. */
async function findTopLevelBox(
  read: ReadRange,
  size: number,
  type: string,
): Promise<{ start: number; end: number } | undefined> {
  for (let o = 0, n = 0; o + 8 <= size && n < MAX_BOXES; n++) {
    const h = await read(o, 16);
    if (h.length < 8) return undefined;
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let boxSize = dv.getUint32(0);
    let header = 8;
    if (boxSize === 1 && h.length >= 16) {
      boxSize = Number(dv.getBigUint64(8));
      header = 16;
    } else if (boxSize === 0) boxSize = size - o;
    if (boxSize < header) return undefined;
    if (ascii(h, 4, 4) === type) return { start: o + header, end: Math.min(size, o + boxSize) };
    o += boxSize;
  }
  return undefined;
}
