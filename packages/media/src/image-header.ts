import { detector } from 'image-size/dist/detector.js';
import { typeHandlers } from 'image-size/dist/types/index.js';

/** Size (and EXIF orientation, for JPEG) read from an image's header, without decoding it. */
export interface HeaderSize {
  width?: number;
  height?: number;
  orientation?: number;
  type: string;
}

/**
 * image-size's buffer lookup without its main entry, which sets up a file-system queue on an
 * EventEmitter when loaded and so fails in a browser bundle. Throws when the format is unknown
 * or the header is unreadable.
 */
export function imageHeaderSize(bytes: Uint8Array): HeaderSize {
  const type = detector(bytes);
  if (!type || !(type in typeHandlers)) throw new TypeError('unsupported or unrecognised image header');
  const size = typeHandlers[type].calculate(type === 'jpg' ? SliceView.view(bytes) : bytes);
  const out: HeaderSize = { type: size.type ?? type };
  if (type === 'heif') {
    // image-size takes the first `ispe` property, which in a grid HEIC (every iPhone photo) is
    // one 512×512 tile; the largest is the full image.
    const full = largestIspe(bytes);
    if (full) Object.assign(size, full);
  }
  if (size.width !== undefined) out.width = size.width;
  if (size.height !== undefined) out.height = size.height;
  if (size.orientation !== undefined) out.orientation = size.orientation;
  return out;
}

/**
 * Bytes whose `slice` is a view, as Node's Buffer has it: image-size's JPEG parser steps from
 * segment to segment with `input.slice(...)`, which on a plain Uint8Array copies the rest of the
 * input each time (~1 ms and several 256 KB garbage arrays for a camera JPEG's header).
 */
class SliceView extends Uint8Array {
  static view(b: Uint8Array): SliceView {
    return new SliceView(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
  }
  override slice(start?: number, end?: number): SliceView {
    return this.subarray(start, end) as SliceView;
  }
}

const u32 = (b: Uint8Array, o: number) =>
  (((b[o] as number) << 24) |
    ((b[o + 1] as number) << 16) |
    ((b[o + 2] as number) << 8) |
    (b[o + 3] as number)) >>>
  0;
const fourcc = (b: Uint8Array, o: number) => String.fromCharCode(...b.subarray(o, o + 4));

/** The largest image-spatial-extent property in meta/iprp/ipco of a HEIF/AVIF file. */
function largestIspe(b: Uint8Array): { width: number; height: number } | undefined {
  // Children of the box whose body spans [start, end); `skip` is a full box's version/flags.
  const child = (start: number, end: number, type: string): [number, number] | undefined => {
    for (let o = start; o + 8 <= end;) {
      const size = u32(b, o);
      if (size < 8 || o + size > end) return undefined;
      if (fourcc(b, o + 4) === type) return [o + 8, o + size];
      o += size;
    }
    return undefined;
  };
  const meta = child(0, b.length, 'meta');
  if (!meta) return undefined;
  const iprp = child(meta[0] + 4, meta[1], 'iprp');
  const ipco = iprp && child(iprp[0], iprp[1], 'ipco');
  if (!ipco) return undefined;
  let best: { width: number; height: number } | undefined;
  for (let o = ipco[0]; o + 8 <= ipco[1];) {
    const size = u32(b, o);
    if (size < 8 || o + size > ipco[1]) break;
    if (fourcc(b, o + 4) === 'ispe' && size >= 20) {
      const width = u32(b, o + 12);
      const height = u32(b, o + 16);
      if (!best || width * height > best.width * best.height) best = { width, height };
    }
    o += size;
  }
  return best;
}
