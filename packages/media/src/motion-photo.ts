import type { MotionPhotoHint } from './media-metadata.ts';

/** A motion photo split into its still and its hidden video (views into the original bytes). */
export interface MotionPhotoParts {
  vendor: 'google' | 'samsung';
  /** The still: bytes before the video for JPEG trailers; the whole file for HEIC (`mpvd` box). */
  still: Uint8Array;
  video: Uint8Array;
}

const ascii = (b: Uint8Array, from: number, len: number) =>
  String.fromCharCode(...b.subarray(from, from + len));
const isVideoStart = (b: Uint8Array, at: number) =>
  at >= 0 && at + 12 <= b.length && ascii(b, at + 4, 4) === 'ftyp';
const SAMSUNG_MARKER = new TextEncoder().encode('MotionPhoto_Data');

/**
 * Find the video hidden in a motion photo: Google MotionPhoto/MicroVideo (video appended to
 * the JPEG, its length from the end in XMP), Samsung (after a `MotionPhoto_Data` trailer in
 * JPEGs, in an `mpvd` box in HEICs), or where exiftool's EmbeddedVideoOffsetSize says.
 * Every candidate must start with an MP4 `ftyp` box; undefined when none does.
 */
export function splitMotionPhoto(bytes: Uint8Array, hint?: MotionPhotoHint): MotionPhotoParts | undefined {
  const isHeif = ascii(bytes, 4, 4) === 'ftyp';
  const cut = (start: number, end: number, vendor: MotionPhotoParts['vendor']): MotionPhotoParts => ({
    vendor,
    still: isHeif ? bytes : bytes.subarray(0, start),
    video: bytes.subarray(start, end),
  });
  if (hint?.videoOffset !== undefined && hint.videoSize !== undefined) {
    const end = hint.videoOffset + hint.videoSize;
    if (end <= bytes.length && isVideoStart(bytes, hint.videoOffset))
      return cut(hint.videoOffset, end, hint.vendor);
  }
  if (hint?.videoLengthFromEnd !== undefined) {
    const start = bytes.length - hint.videoLengthFromEnd;
    if (isVideoStart(bytes, start)) return cut(start, bytes.length, hint.vendor);
  }
  if (isHeif) {
    // Top-level ISOBMFF boxes: Samsung puts the movie in `mpvd`.
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let o = 0; o + 8 <= bytes.length;) {
      let size = dv.getUint32(o);
      let header = 8;
      if (size === 1 && o + 16 <= bytes.length) {
        size = Number(dv.getBigUint64(o + 8));
        header = 16;
      } else if (size === 0) size = bytes.length - o;
      if (size < header) break;
      if (ascii(bytes, o + 4, 4) === 'mpvd' && isVideoStart(bytes, o + header))
        return cut(o + header, Math.min(bytes.length, o + size), 'samsung');
      o += size;
    }
    return undefined;
  }
  const marker = lastIndexOf(bytes, SAMSUNG_MARKER);
  if (marker >= 0 && isVideoStart(bytes, marker + SAMSUNG_MARKER.length)) {
    return {
      vendor: 'samsung',
      still: bytes.subarray(0, marker),
      video: bytes.subarray(marker + SAMSUNG_MARKER.length),
    };
  }
  return undefined;
}

function lastIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
