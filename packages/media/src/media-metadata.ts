/**
 * What Hearth knows about a file after reading its tags: the shape the catalog's asset record
 * is filled from. Every field except `kind`, `mime`, `captureTime` and `warnings` is optional:
 * a file that lacks a tag simply lacks the field (never a made-up 0 or empty string).
 */
export interface MediaMetadata {
  kind: 'image' | 'video' | 'other';
  /** MIME type from the content (not the extension). */
  mime: string;
  captureTime: CaptureTime;
  /** Pixel size as displayed, i.e. after EXIF orientation / video rotation. */
  width?: number;
  height?: number;
  /** EXIF orientation 1–8 as stored. */
  orientation?: number;
  camera?: CameraInfo;
  gps?: GpsPoint;
  /** −1 (rejected) … 5. */
  rating?: number;
  description?: string;
  /** Flat keywords (IPTC Keywords, XMP dc:subject). */
  keywords?: string[];
  /** Hierarchical tags as `a/b/c` paths (XMP lr:hierarchicalSubject, digiKam TagsList, keywords). */
  tags?: string[];
  video?: VideoMetadata;
  /** Apple ContentIdentifier linking a Live Photo's still and movie. */
  livePhotoId?: string;
  /** Set when the file carries a hidden video (Google/Samsung motion photo). */
  motionPhoto?: MotionPhotoHint;
  /** Whether an XMP sidecar was read and merged (its values win). */
  sidecar?: boolean;
  /** Things that were wrong but did not stop the read (bad GPS, implausible date, …). */
  warnings: string[];
}

/** When the photo was taken. */
export interface CaptureTime {
  /** Wall-clock time where it was taken, ISO 8601 without zone (`2019-03-21T11:04:22.348`). */
  local: string;
  /** UTC instant in ms since the epoch; equals `local` read as UTC when the offset is unknown. */
  utcMs: number;
  /** Minutes east of UTC, when known. */
  offsetMinutes?: number;
  /** Where the offset came from. */
  offsetSource?: 'date-tag' | 'offset-tag' | 'gps' | 'utc';
  /** IANA zone when derived from the GPS position. */
  zone?: string;
  /** The tag the time came from, or `file` when only the file's own time was available. */
  source: string;
}

/** Camera and exposure. Exposure time in seconds. */
export interface CameraInfo {
  make?: string;
  model?: string;
  lens?: string;
  exposureTime?: number;
  fNumber?: number;
  focalLength?: number;
  iso?: number;
}

/** A validated WGS84 position (never the 0,0 of empty tags). */
export interface GpsPoint {
  latitude: number;
  longitude: number;
  altitude?: number;
}

/** Video stream facts. Duration in seconds; rotation in degrees clockwise. */
export interface VideoMetadata {
  durationS?: number;
  codec?: string;
  rotation?: number;
  frameRate?: number;
}

/** Where the hidden video of a motion photo is, as far as tags say. */
export interface MotionPhotoHint {
  vendor: 'google' | 'samsung';
  /** Bytes from the end of the file where the video starts (Google MicroVideoOffset / Container item length). */
  videoLengthFromEnd?: number;
  /** Absolute offset and size of the video when the tags give them (exiftool EmbeddedVideoOffsetSize). */
  videoOffset?: number;
  videoSize?: number;
}
