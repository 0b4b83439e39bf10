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
 * the JPEG, its length from the end in XMP: the hint's, else read here by {@link googleVideoLength}), Samsung (after a `MotionPhoto_Data` trailer in
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
  const fromEnd = hint?.videoLengthFromEnd ?? (isHeif ? undefined : googleVideoLength(bytes));
  if (fromEnd !== undefined) {
    const start = bytes.length - fromEnd;
    if (isVideoStart(bytes, start)) return cut(start, bytes.length, hint?.vendor ?? 'google');
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

/** Google's XMP sits in the JPEG's first segments (APP1, at most 64 KiB each). */
const XMP_HEAD = 256 * 1024;
const MICRO_VIDEO = /MicroVideoOffset(?:="|>)(\d+)/;
const CONTAINER_ITEM = /<Container:Item\b[^>]*>/g;

/**
 * The video's length from the end of a Google motion photo, read from its XMP without a
 * metadata reader (the browser's exifr does not give it): `GCamera:MicroVideoOffset` (older
 * MicroVideo files) or the `Container:Directory` item whose semantic is `MotionPhoto`.
 */
export function googleVideoLength(bytes: Uint8Array): number | undefined {
  const head = latin1(bytes.subarray(0, XMP_HEAD));
  const micro = MICRO_VIDEO.exec(head);
  if (micro) return Number(micro[1]) || undefined;
  for (const item of head.matchAll(CONTAINER_ITEM)) {
    if (!/Semantic="MotionPhoto"/.test(item[0])) continue;
    const len = /Length="(\d+)"/.exec(item[0]);
    return len ? Number(len[1]) || undefined : undefined;
  }
  return undefined;
}

/** Bytes as a one-char-per-byte string (for pattern search; chunked to bound argument lists). */
function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

/**
 * Last index of `needle` in `hay`, or -1. Candidates come from the native `lastIndexOf` of its
 * first byte, so a 20 MB JPEG without the marker costs a few milliseconds, not a JS byte loop.
 */
function lastIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  if (hay.length < needle.length) return -1;
  const first = needle[0] as number;
  for (
    let i = hay.lastIndexOf(first, hay.length - needle.length);
    i >= 0;
    i = hay.lastIndexOf(first, i - 1)
  ) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
    if (i === 0) break;
  }
  return -1;
}
