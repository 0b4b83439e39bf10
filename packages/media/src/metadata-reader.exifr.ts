import * as exifrModule from 'exifr';
import { imageHeaderSize } from './image-header.ts';
import { MediaError } from './errors.ts';
import { assertNotEmpty } from './extract-metadata.ts';
import { inputName, type MediaInput } from './media-input.ts';
import type { MetadataReader } from './metadata-reader.ts';
import type { RawTags } from './raw-tags.ts';
import { sniffMime } from './sniff-mime.ts';

/**
 * exifr ships UMD for Node (everything on `default`) and ESM for bundlers (named exports,
 * whose `default` lacks `sidecar`): take whichever has both.
 */
type Exifr = typeof exifrModule;
const exifr: Exifr =
  typeof exifrModule.sidecar === 'function'
    ? exifrModule
    : (exifrModule as unknown as { default: Exifr }).default;

/** Options for {@link createExifrReader}. */
export interface ExifrReaderOptions {
  /** How to read a `{ path }` input (the browser has none; Node tests pass fs.readFile). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

const EXIFR_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  xmp: true,
  iptc: true,
  icc: false,
  jfif: false,
  ihdr: true,
  reviveValues: false,
  translateValues: false,
  translateKeys: true,
  mergeOutput: true,
  multiSegment: true,
  sanitize: true,
};

/** exifr's key → exiftool's name, where they differ. */
const RENAME: Record<string, string> = {
  subject: 'Subject',
  hierarchicalSubject: 'HierarchicalSubject',
  Caption: 'Caption-Abstract',
  description: 'Description',
  title: 'Title',
  ContentIdentifier: 'ContentIdentifier',
};

/**
 * Metadata via exifr: pure JavaScript, so it runs in the browser (and in Node). It parses the
 * TIFF/EXIF/XMP/IPTC segments of JPEG, HEIC, AVIF, PNG and TIFF; it does not read video
 * containers, so for videos it reports only the type (the VideoTool's probe fills the rest).
 */
export function createExifrReader(opts: ExifrReaderOptions = {}): MetadataReader {
  return {
    name: 'exifr',
    async start() {},
    async stop() {},
    async readTags(input: MediaInput): Promise<RawTags> {
      const name = inputName(input);
      let bytes: Uint8Array;
      if ('bytes' in input) bytes = input.bytes;
      else if (opts.readFile) {
        try {
          bytes = await opts.readFile(input.path);
        } catch (e) {
          throw new MediaError(
            'MEDIA_NOT_FOUND',
            name,
            `cannot read ${JSON.stringify(input.path)}; check that it exists and is readable`,
            { cause: e },
          );
        }
      } else throw new MediaError('MEDIA_NOT_FOUND', name, 'this reader takes bytes; read the file first');
      assertNotEmpty(input, bytes.byteLength);
      if (looksLikeXmp(bytes)) return readSidecar(bytes, name);
      const mime = sniffMime(bytes.subarray(0, 64), name);
      if (!mime) throw new MediaError('MEDIA_UNSUPPORTED_FORMAT', name, 'not a recognised photo or video');
      const out: Record<string, unknown> = { MIMEType: mime };
      if (mime.startsWith('video/')) return out;
      let parsed: Record<string, unknown> | undefined;
      try {
        // exifr has no WebP parser: hand it the TIFF block from the RIFF `EXIF` chunk.
        const source = mime === 'image/webp' ? webpExif(bytes) : bytes;
        parsed = source
          ? ((await exifr.parse(source, EXIFR_OPTIONS)) as Record<string, unknown> | undefined)
          : undefined;
      } catch (e) {
        // Damaged tags are a partial result, not a failure: the pixels may still be fine.
        out['Warning'] = `exifr: ${e instanceof Error ? e.message : String(e)}`;
      }
      for (const [k, v] of Object.entries(parsed ?? {})) {
        if (v instanceof Uint8Array || v === null || v === undefined) continue;
        out[RENAME[k] ?? k] = unwrapLang(v);
      }
      composeExiftoolStyle(out);
      try {
        // exifr reads tags, not pixel headers: the file's own size comes from image-size.
        const dims = imageHeaderSize(bytes);
        if (dims.width && dims.height) {
          out['ImageWidth'] = dims.width;
          out['ImageHeight'] = dims.height;
        }
      } catch {
        // no readable header: leave the size to the codec
      }
      return out;
    },
  };
}

/** XMP language alternatives come back as `{ lang, value }`; keep the value. */
function unwrapLang(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'value' in v) return (v as { value: unknown }).value;
  return v;
}

/** Fill the composite tags exiftool computes (signed GPS, sub-second dates) from the parts. */
function composeExiftoolStyle(t: Record<string, unknown>): void {
  const lat = t['latitude'];
  const lon = t['longitude'];
  delete t['latitude'];
  delete t['longitude'];
  if (typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon)) {
    t['GPSLatitude'] = lat;
    t['GPSLongitude'] = lon;
  } else {
    delete t['GPSLatitude'];
    delete t['GPSLongitude'];
  }
  const sub = (date: string, subTag: string, offTag: string, into: string) => {
    const d = t[date];
    if (typeof d !== 'string' || !/^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}$/.test(d)) return;
    const s = t[subTag];
    const o = t[offTag];
    if (s === undefined && o === undefined) return; // exiftool makes the composite only then
    t[into] =
      `${d}${typeof s === 'string' || typeof s === 'number' ? `.${String(s)}` : ''}${typeof o === 'string' ? o : ''}`;
  };
  sub('DateTimeOriginal', 'SubSecTimeOriginal', 'OffsetTimeOriginal', 'SubSecDateTimeOriginal');
  // IPTC keeps date and time apart ("20220110", "151544-0400"); exiftool joins them.
  const time =
    typeof t['TimeCreated'] === 'string'
      ? /^(\d{2}):?(\d{2}):?(\d{2})([+-]\d{2}:?\d{2})?$/.exec(t['TimeCreated'])
      : null;
  const date =
    typeof t['DateCreated'] === 'string' ? /^(\d{4})[-:]?(\d{2})[-:]?(\d{2})/.exec(t['DateCreated']) : null;
  if (time && date && t['DateTimeCreated'] === undefined) {
    t['DateTimeCreated'] =
      `${date[1]}:${date[2]}:${date[3]} ${time[1]}:${time[2]}:${time[3]}${time[4] ?? ''}`;
  }
  sub('CreateDate', 'SubSecTimeDigitized', 'OffsetTimeDigitized', 'SubSecCreateDate');
  if (t['ImageWidth'] === undefined && typeof t['ExifImageWidth'] === 'number') {
    t['ImageWidth'] = t['ExifImageWidth'];
    t['ImageHeight'] = t['ExifImageHeight'];
  }
}

function looksLikeXmp(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart();
  return head.startsWith('<?xpacket') || head.startsWith('<x:xmpmeta') || head.startsWith('<?xml');
}

/** An XMP sidecar: namespaces flattened, names capitalised as exiftool spells them. */
async function readSidecar(bytes: Uint8Array, name: string): Promise<RawTags> {
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = (await exifr.sidecar(bytes, { reviveValues: false })) as Record<string, unknown> | undefined;
  } catch (e) {
    throw new MediaError('MEDIA_CORRUPT_FILE', name, 'the XMP sidecar is not valid XMP; fix or remove it', {
      cause: e,
    });
  }
  const out: Record<string, unknown> = { MIMEType: 'application/rdf+xml' };
  for (const [ns, group] of Object.entries(parsed ?? {})) {
    if (ns === 'xmlns' || !group || typeof group !== 'object') continue;
    for (const [k, v] of Object.entries(group as Record<string, unknown>)) {
      out[k.charAt(0).toUpperCase() + k.slice(1)] = unwrapLang(v);
    }
  }
  return out;
}

/** The TIFF payload of a WebP's `EXIF` chunk, if any. */
function webpExif(bytes: Uint8Array): Uint8Array | undefined {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 12; o + 8 <= bytes.length;) {
    const id = String.fromCharCode(...bytes.subarray(o, o + 4));
    const size = dv.getUint32(o + 4, true);
    if (id === 'EXIF') {
      const body = bytes.subarray(o + 8, Math.min(bytes.length, o + 8 + size));
      const exifHeader = String.fromCharCode(...body.subarray(0, 4)) === 'Exif';
      return exifHeader ? body.subarray(6) : body;
    }
    o += 8 + size + (size & 1);
  }
  return undefined;
}
