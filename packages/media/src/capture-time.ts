import tzLookup from '@photostructure/tz-lookup';
import type { CaptureTime, GpsPoint } from './media-metadata.ts';
import type { RawTags } from './raw-tags.ts';

/**
 * Immich's order of date tags (metadata.service.ts): the first one holding a plausible date
 * wins. Sub-second composites come first because they carry milliseconds and often the offset.
 */
export const DATE_TAG_PRIORITY = [
  'SubSecDateTimeOriginal',
  'DateTimeOriginal',
  'SubSecCreateDate',
  'CreationDate',
  'CreateDate',
  'SubSecMediaCreateDate',
  'MediaCreateDate',
  'DateTimeCreated',
  'SourceImageCreateTime',
] as const;

/** The offset tag that belongs to each date tag (EXIF 2.31). */
const OFFSET_TAG: Record<string, string[]> = {
  SubSecDateTimeOriginal: ['OffsetTimeOriginal'],
  DateTimeOriginal: ['OffsetTimeOriginal'],
  SubSecCreateDate: ['OffsetTimeDigitized'],
  CreateDate: ['OffsetTimeDigitized'],
};
/** Date tags that often carry a zone when the chosen one does not. */
const ZONED_SIBLINGS = [
  'DateTimeOriginal',
  'DateTimeCreated',
  'DateCreated',
  'DigitalCreationDateTime',
  'SubSecModifyDate',
  'ModifyDate',
];
const ANY_OFFSET_TAGS = ['OffsetTimeOriginal', 'OffsetTimeDigitized', 'OffsetTime'];
/** QuickTime stores these in UTC by specification. */
const QUICKTIME_UTC_TAGS = new Set([
  'CreateDate',
  'MediaCreateDate',
  'SubSecMediaCreateDate',
  'SubSecCreateDate',
]);

/** Years outside this range are treated as garbage (0000, 9999, clock resets to 1904 …). */
const MIN_YEAR = 1826;
const MAX_YEAR = 2200;

interface ParsedDate {
  /** wall clock as if UTC */
  wallMs: number;
  local: string;
  offsetMinutes?: number;
}

const DATE_RE =
  /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?/;

/** Parse an EXIF/XMP/QuickTime date string; undefined when unusable. */
export function parseExifDate(value: unknown): ParsedDate | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE_RE.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(m[6] ?? 0);
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), Math.min(ms, 999));
  const check = new Date(wallMs);
  if (check.getUTCDate() !== day) return undefined; // 31 February and the like
  const local = check.toISOString().slice(0, 23);
  const offsetMinutes = m[8] ? parseOffset(m[8]) : undefined;
  return offsetMinutes === undefined ? { wallMs, local } : { wallMs, local, offsetMinutes };
}

/** `+02:00`, `-0430`, `Z` → minutes east of UTC. */
export function parseOffset(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(v);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 14 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

/** Offset of an IANA zone at a UTC instant, in minutes. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number | undefined {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(utcMs))
      .find((p) => p.type === 'timeZoneName')?.value;
    if (part === 'GMT') return 0;
    return part ? parseOffset(part.replace('GMT', '')) : undefined;
  } catch {
    return undefined;
  }
}

function zoneAt(gps: GpsPoint | undefined): string | undefined {
  if (!gps) return undefined;
  try {
    return tzLookup(gps.latitude, gps.longitude);
  } catch {
    return undefined;
  }
}

/**
 * Pick the capture time from tags: first plausible date in Immich's priority order; offset
 * from the date itself, then the matching OffsetTime* tag, then the time zone at the GPS
 * position; QuickTime dates without a zone are UTC. Falls back to `fileTimeMs` (source
 * `file`) and finally to the epoch, with a warning, so the asset is never lost for lack of a date.
 */
export function pickCaptureTime(
  tags: RawTags,
  opts: {
    gps?: GpsPoint | undefined;
    quickTime?: boolean;
    fileTimeMs?: number | undefined;
    warnings?: string[];
  },
): CaptureTime {
  for (const tag of DATE_TAG_PRIORITY) {
    const raw = tags[tag];
    if (raw === undefined || raw === null || raw === '') continue;
    const parsed = parseExifDate(raw);
    if (!parsed) {
      opts.warnings?.push(`ignored implausible ${tag} ${JSON.stringify(String(raw)).slice(0, 40)}`);
      continue;
    }
    return withOffset(tag, parsed, tags, opts);
  }
  if (opts.fileTimeMs !== undefined && Number.isFinite(opts.fileTimeMs)) {
    return fromUtc(opts.fileTimeMs, 'file', opts.gps);
  }
  opts.warnings?.push('no capture time in tags and no file time');
  return { local: new Date(0).toISOString().slice(0, 23), utcMs: 0, source: 'none' };
}

function withOffset(
  tag: string,
  parsed: ParsedDate,
  tags: RawTags,
  opts: { gps?: GpsPoint | undefined; quickTime?: boolean },
): CaptureTime {
  if (parsed.offsetMinutes !== undefined) {
    return {
      local: parsed.local,
      utcMs: parsed.wallMs - parsed.offsetMinutes * 60_000,
      offsetMinutes: parsed.offsetMinutes,
      offsetSource: 'date-tag',
      source: tag,
    };
  }
  for (const offTag of OFFSET_TAG[tag] ?? ANY_OFFSET_TAGS) {
    const off = parseOffset(tags[offTag]);
    if (off !== undefined) {
      return {
        local: parsed.local,
        utcMs: parsed.wallMs - off * 60_000,
        offsetMinutes: off,
        offsetSource: 'offset-tag',
        source: tag,
      };
    }
  }
  // Another date tag for the same wall-clock second that carries a zone (IPTC DateTimeCreated
  // "15:15:44-04:00" beside XMP's zone-less "15:15:44.31"): its offset is the camera's.
  for (const other of [...DATE_TAG_PRIORITY, ...ZONED_SIBLINGS]) {
    if (other === tag) continue;
    const sib = parseExifDate(tags[other]);
    if (
      sib?.offsetMinutes !== undefined &&
      Math.floor(sib.wallMs / 1000) === Math.floor(parsed.wallMs / 1000)
    ) {
      return {
        local: parsed.local,
        utcMs: parsed.wallMs - sib.offsetMinutes * 60_000,
        offsetMinutes: sib.offsetMinutes,
        offsetSource: 'date-tag',
        source: tag,
      };
    }
  }
  if (opts.quickTime && QUICKTIME_UTC_TAGS.has(tag)) {
    return fromUtc(parsed.wallMs, tag, opts.gps);
  }
  const zone = zoneAt(opts.gps);
  if (zone) {
    // The wall clock is local to the zone: find the offset that maps it back onto itself.
    let off = zoneOffsetMinutes(zone, parsed.wallMs) ?? 0;
    off = zoneOffsetMinutes(zone, parsed.wallMs - off * 60_000) ?? off;
    return {
      local: parsed.local,
      utcMs: parsed.wallMs - off * 60_000,
      offsetMinutes: off,
      offsetSource: 'gps',
      zone,
      source: tag,
    };
  }
  return { local: parsed.local, utcMs: parsed.wallMs, source: tag };
}

function fromUtc(utcMs: number, source: string, gps: GpsPoint | undefined): CaptureTime {
  const zone = zoneAt(gps);
  const off = zone ? zoneOffsetMinutes(zone, utcMs) : undefined;
  if (zone && off !== undefined) {
    return {
      local: new Date(utcMs + off * 60_000).toISOString().slice(0, 23),
      utcMs,
      offsetMinutes: off,
      offsetSource: 'gps',
      zone,
      source,
    };
  }
  return {
    local: new Date(utcMs).toISOString().slice(0, 23),
    utcMs,
    offsetMinutes: 0,
    offsetSource: 'utc',
    source,
  };
}
