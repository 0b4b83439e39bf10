import { pickCaptureTime } from './capture-time.ts';
import type {
  CameraInfo,
  GpsPoint,
  MediaMetadata,
  MotionPhotoHint,
  VideoMetadata,
} from './media-metadata.ts';
import type { RawTags } from './raw-tags.ts';

/** Facts about the file that do not come from its tags. */
export interface FileFacts {
  /** Modification time of the file (ms), used only when no date tag is usable. */
  fileTimeMs?: number;
}

/** Turn a reader's tags into Hearth's metadata. Pure; never throws on odd tag values. */
export function normalizeMetadata(tags: RawTags, facts: FileFacts = {}): MediaMetadata {
  const warnings: string[] = [];
  const mime = str(tags['MIMEType']) ?? 'application/octet-stream';
  const kind = mime.startsWith('image/') ? 'image' : mime.startsWith('video/') ? 'video' : 'other';
  const gps = readGps(tags, warnings);
  const captureTime = pickCaptureTime(tags, {
    gps,
    quickTime: kind === 'video' || /quicktime|mp4/i.test(str(tags['FileType']) ?? ''),
    fileTimeMs: facts.fileTimeMs,
    warnings,
  });
  const out: MediaMetadata = { kind, mime, captureTime, warnings };

  const orientation = int(tags['Orientation']);
  if (orientation !== undefined && orientation >= 1 && orientation <= 8) out.orientation = orientation;
  const video = kind === 'video' ? readVideo(tags) : undefined;
  if (video) out.video = video;
  const w = int(tags['ImageWidth']) ?? int(tags['ExifImageWidth']);
  const h = int(tags['ImageHeight']) ?? int(tags['ExifImageHeight']);
  if (w !== undefined && h !== undefined && w > 0 && h > 0) {
    // HEIF containers rotate with `irot` (exiftool Rotation 1 = 270° CW, 3 = 90° CW) and
    // decoders follow it, not EXIF orientation (HEIF spec); other files use EXIF orientation.
    const irot = /^image\/(heic|heif|avif)$/.test(mime) ? int(tags['Rotation']) : undefined;
    const swap =
      irot !== undefined
        ? irot === 1 || irot === 3
        : (out.orientation ?? 1) >= 5 || video?.rotation === 90 || video?.rotation === 270;
    out.width = swap ? h : w;
    out.height = swap ? w : h;
  }
  const camera = readCamera(tags);
  if (camera) out.camera = camera;
  if (gps) out.gps = gps;
  const rating = num(tags['Rating']);
  if (rating !== undefined) out.rating = Math.max(-1, Math.min(5, Math.round(rating)));
  const description = firstText(tags, ['Description', 'ImageDescription', 'Caption-Abstract', 'UserComment']);
  if (description !== undefined) out.description = description;
  const keywords = unique([...list(tags['Keywords']), ...list(tags['Subject'])]);
  if (keywords.length) out.keywords = keywords;
  const tagPaths = unique([
    ...list(tags['TagsList']),
    ...list(tags['HierarchicalSubject']).map((t) => t.split('|').join('/')),
    ...keywords,
  ]);
  if (tagPaths.length) out.tags = tagPaths;
  const live = str(tags['ContentIdentifier']) ?? str(tags['MediaGroupUUID']);
  if (live) out.livePhotoId = live;
  const motion = readMotionPhoto(tags);
  if (motion) out.motionPhoto = motion;
  return out;
}

function readGps(tags: RawTags, warnings: string[]): GpsPoint | undefined {
  const lat = num(tags['GPSLatitude']);
  const lon = num(tags['GPSLongitude']);
  if (lat === undefined || lon === undefined) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    warnings.push(`ignored GPS out of range (${lat}, ${lon})`);
    return undefined;
  }
  // Empty or zeroed GPS blocks come out as 0,0: that is "no location", not the Gulf of Guinea.
  if (lat === 0 && lon === 0) return undefined;
  const point: GpsPoint = { latitude: lat, longitude: lon };
  const alt = num(tags['GPSAltitude']);
  if (alt !== undefined && Math.abs(alt) < 100_000) point.altitude = alt;
  return point;
}

function readCamera(tags: RawTags): CameraInfo | undefined {
  const c: CameraInfo = {};
  const make = str(tags['Make']);
  if (make) c.make = make;
  const model = str(tags['Model']);
  if (model) c.model = model;
  const lens = str(tags['LensModel']) ?? str(tags['Lens']) ?? str(tags['LensID']);
  if (lens) c.lens = lens;
  const exp = num(tags['ExposureTime']);
  if (exp !== undefined && exp > 0) c.exposureTime = exp;
  const f = num(tags['FNumber']);
  if (f !== undefined && f > 0) c.fNumber = f;
  const fl = num(tags['FocalLength']);
  if (fl !== undefined && fl > 0) c.focalLength = fl;
  const iso = num(tags['ISO']);
  if (iso !== undefined && iso > 0) c.iso = iso;
  return Object.keys(c).length ? c : undefined;
}

function readVideo(tags: RawTags): VideoMetadata | undefined {
  const v: VideoMetadata = {};
  const d = num(tags['Duration']);
  if (d !== undefined && d >= 0) v.durationS = d;
  const codec = str(tags['CompressorID']) ?? str(tags['VideoCodec']);
  // Four-character codes to the names ffprobe (and the VideoTool) use.
  const fourcc: Record<string, string> = {
    avc1: 'h264',
    avc3: 'h264',
    hvc1: 'hevc',
    hev1: 'hevc',
    av01: 'av1',
    vp09: 'vp9',
    mp4v: 'mpeg4',
    jpeg: 'mjpeg',
  };
  if (codec) v.codec = fourcc[codec.toLowerCase()] ?? codec;
  const rot = num(tags['Rotation']);
  if (rot !== undefined && [0, 90, 180, 270].includes(rot)) v.rotation = rot;
  const fps = num(tags['VideoFrameRate']);
  if (fps !== undefined && fps > 0) v.frameRate = fps;
  return Object.keys(v).length ? v : undefined;
}

function readMotionPhoto(tags: RawTags): MotionPhotoHint | undefined {
  const offsetSize = str(tags['EmbeddedVideoOffsetSize'])?.split(/\s+/).map(Number);
  const hint: MotionPhotoHint = {
    vendor: str(tags['EmbeddedVideoType']) === 'MotionPhoto_Data' ? 'samsung' : 'google',
  };
  if (offsetSize && offsetSize.length === 2 && offsetSize.every((n) => Number.isInteger(n) && n >= 0)) {
    hint.videoOffset = offsetSize[0] as number;
    hint.videoSize = offsetSize[1] as number;
  }
  const micro = int(tags['MicroVideoOffset']);
  if (micro !== undefined && micro > 0) hint.videoLengthFromEnd = micro;
  const semantics = list(tags['DirectoryItemSemantic']);
  const lengths = Array.isArray(tags['DirectoryItemLength'])
    ? (tags['DirectoryItemLength'] as unknown[]).map(num)
    : [];
  const mpIndex = semantics.indexOf('MotionPhoto');
  if (hint.videoLengthFromEnd === undefined && mpIndex >= 0) {
    const len = lengths[mpIndex];
    if (len !== undefined && len > 0) hint.videoLengthFromEnd = len;
  }
  const isMotion =
    int(tags['MotionPhoto']) === 1 ||
    int(tags['MicroVideo']) === 1 ||
    hint.videoOffset !== undefined ||
    hint.videoLengthFromEnd !== undefined;
  return isMotion ? hint : undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}
function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
function int(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : Math.round(n);
}
function list(v: unknown): string[] {
  const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return arr.map(str).filter((s): s is string => s !== undefined);
}
function firstText(tags: RawTags, keys: string[]): string | undefined {
  for (const k of keys) {
    const s = str(tags[k]);
    if (s && !/^\s*(ASCII|UNICODE)?\s*$/.test(s)) return s;
  }
  return undefined;
}
function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
