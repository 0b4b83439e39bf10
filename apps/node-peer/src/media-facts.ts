import type { MediaMetadata, MetadataReader, ReverseGeocoder } from '@hearth/media';
import type { AssetRecord } from './asset-record.ts';
import { MOTION_MIME } from './motion-step.ts';

/** The set-once facts an import takes from a file's metadata (and the Live Photo id it pairs by). */
export type MediaFacts = Pick<
  AssetRecord,
  | 'takenAt'
  | 'takenOffset'
  | 'width'
  | 'height'
  | 'rating'
  | 'description'
  | 'tags'
  | 'camera'
  | 'gps'
  | 'place'
  | 'motionPhoto'
> & { liveId?: string };

/** Reads facts for the importer; `stop()` ends the tool (exiftool runs as a pooled process). */
export interface FactsReader {
  read(
    path: string,
    sidecar: string | undefined,
    fileTimeMs: number,
  ): Promise<{ facts: MediaFacts; warnings: string[] }>;
  stop(): Promise<void>;
}

function offset(min: number | undefined): string | undefined {
  if (min === undefined) return undefined;
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function factsOf(m: MediaMetadata): MediaFacts {
  const f: MediaFacts = { takenAt: m.captureTime.utcMs };
  const off = offset(m.captureTime.offsetMinutes);
  if (off) f.takenOffset = off;
  if (m.width !== undefined && m.height !== undefined) {
    f.width = m.width;
    f.height = m.height;
  }
  if (m.rating !== undefined) f.rating = m.rating;
  if (m.description) f.description = m.description;
  const tags = m.keywords?.length ? m.keywords : m.tags;
  if (tags?.length) f.tags = tags;
  if (m.camera?.make || m.camera?.model) {
    f.camera = {};
    if (m.camera.make) f.camera.make = m.camera.make;
    if (m.camera.model) f.camera.model = m.camera.model;
  }
  if (m.livePhotoId) f.liveId = m.livePhotoId;
  if (m.kind === 'image') f.motionPhoto = m.motionPhoto !== undefined;
  if (m.gps)
    f.gps = {
      lat: m.gps.latitude,
      lon: m.gps.longitude,
      ...(m.gps.altitude !== undefined ? { alt: m.gps.altitude } : {}),
    };
  return f;
}

/** Facts via @hearth/media's metadata (exiftool on Node, sidecar merged, Immich's date rules). */
export async function createFactsReader(): Promise<FactsReader> {
  const media = await import('@hearth/media');
  const platform = await import('@hearth/media/platform');
  let reader: MetadataReader | undefined;
  // The city list costs ~0.5 s and ~60 MB: loaded on the first photo with GPS only.
  let geocoder: ReverseGeocoder | undefined;
  const placeOf = (gps: NonNullable<MediaFacts['gps']>): string | undefined => {
    geocoder ??= platform.createCitiesReverseGeocoder();
    const p = geocoder.reverseGeocode(gps.lat, gps.lon);
    return p && media.placeLabel(p);
  };
  return {
    async read(path, sidecar, fileTimeMs) {
      if (!reader) {
        // Two exiftool processes: a parallel import keeps both cores' worth of reads in flight.
        reader = platform.createExiftoolReader({ maxProcs: 2 });
        await reader.start();
      }
      const m = await media.extractMetadata(
        reader,
        { path },
        { fileTimeMs, ...(sidecar ? { sidecar: { path: sidecar } } : {}) },
      );
      // Tags can lose a motion photo's flag (an edit, a re-save) while the video is still in
      // the bytes: a photo of a motion-photo type that exiftool did not flag gets a cheap look
      // at its head, tail and box headers, never a full read.
      if (m.kind === 'image' && !m.motionPhoto && MOTION_MIME.test(m.mime)) {
        const hint = await platform.probeMotionPhotoFile({ path });
        if (hint) m.motionPhoto = hint;
      }
      const facts = factsOf(m);
      const place = facts.gps && placeOf(facts.gps);
      if (place) facts.place = place;
      return { facts, warnings: m.warnings };
    },
    async stop() {
      await reader?.stop();
    },
  };
}
