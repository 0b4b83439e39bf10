/**
 * Hash + probe of one file, in the worker, through @hearth/media's browser backend — the same
 * `processImage` the home node's import runs: capture time with its offset by Immich's tag
 * priority, GPS (none for empty tags), camera, size after EXIF orientation, thumbnail (WebP
 * 250 px short side q80), preview (JPEG 1440 px) and thumbhash. HEIC / JPEG XL decode with
 * the wasm decoders inline here (this is already a worker); their wasm loads only when such a
 * file comes. Videos get their tags' capture time, and from ffmpeg.wasm (loaded on the first
 * video) their duration, displayed size and a poster rendered like a photo; the home node
 * transcodes them for playback. A motion photo's embedded video is split off here and made
 * playable by the same ffmpeg.wasm, so it plays offline from the viewer's LIVE badge.
 */
import {
  extractMetadata,
  MediaError,
  processImage,
  splitMotionPhoto,
  type MediaMetadata,
  type ProcessedImage,
} from '@hearth/media';
import { createCanvasCodec, createExifrReader } from '@hearth/media/browser';
import { localPlaceOf } from '../library/local-library-place.ts';
import { hashBlob } from './hash-blob.ts';
import type { ProcessedFile } from './upload-queue.ts';

const reader = createExifrReader();
const codec = createCanvasCodec({ decodeInWorker: false });

/** Copies into a Blob-friendly ArrayBuffer (the codec's output may be a view on a larger one). */
function blobOf(bytes: Uint8Array, type: string): Blob {
  return new Blob([bytes.slice().buffer], { type });
}

/** The facts of a MediaMetadata that the library keeps (the node's `factsOf`). */
function factsOf(m: MediaMetadata, out: ProcessedFile): void {
  out.capturedAt = m.captureTime.utcMs;
  if (m.captureTime.offsetMinutes !== undefined) out.tzOffsetMin = m.captureTime.offsetMinutes;
  if (m.width !== undefined && m.height !== undefined) {
    out.width = m.width;
    out.height = m.height;
  }
  if (m.camera?.make || m.camera?.model) {
    out.camera = {};
    if (m.camera.make) out.camera.make = m.camera.make;
    if (m.camera.model) out.camera.model = m.camera.model;
  }
  if (m.gps)
    out.gps = {
      lat: m.gps.latitude,
      lon: m.gps.longitude,
      ...(m.gps.altitude !== undefined ? { alt: m.gps.altitude } : {}),
    };
}

/** Failures that mean the file itself is bad (the import fails, as for a damaged photo). */
const BAD_VIDEO = new Set(['MEDIA_EMPTY_FILE', 'MEDIA_CORRUPT_FILE', 'MEDIA_UNSUPPORTED_FORMAT']);

/**
 * Duration, displayed size and poster (thumbnail, preview, thumbhash) by ffmpeg.wasm, loaded on
 * the first video (process-video.ts). A file ffmpeg cannot read fails; a video too large for
 * this device, or ffmpeg.wasm not loading (offline before it was ever cached), keeps the
 * tags-only facts and the home node probes it.
 */
async function addVideoFacts(file: File, out: ProcessedFile): Promise<void> {
  try {
    const { processVideo } = await import('./process-video.ts');
    const { info, derivatives } = await processVideo(file, codec);
    out.width = info.width;
    out.height = info.height;
    out.durationMs = Math.round(info.durationS * 1000);
    out.thumbhash = derivatives.thumbhash;
    out.thumbnail = blobOf(derivatives.thumbnail.bytes, `image/${derivatives.thumbnail.format}`);
    out.preview = blobOf(derivatives.preview.bytes, `image/${derivatives.preview.format}`);
  } catch (e) {
    if (e instanceof MediaError && BAD_VIDEO.has(e.code)) throw e;
  }
}

/** Photo types a motion photo comes in (Google and Samsung JPEGs, Samsung HEICs). */
const MOTION_MIME = /^image\/(jpeg|heic|heif)$/;

/**
 * A motion photo's embedded video, split here and made playable by ffmpeg.wasm (loaded only
 * when a photo has one), so it plays offline before the home node has made its own. A video
 * that cannot be read, or ffmpeg.wasm not loading, leaves the still as an ordinary photo.
 */
async function addMotionVideo(bytes: Uint8Array, name: string, out: ProcessedFile): Promise<void> {
  if (!MOTION_MIME.test(out.mime) || !splitMotionPhoto(bytes)) return;
  try {
    const { processMotion } = await import('./process-video.ts');
    const m = await processMotion(bytes, name);
    if (m) out.motion = blobOf(m.playback.bytes, 'video/mp4');
  } catch (e) {
    console.warn(`motion photo ${name}: ${String(e)}`);
  }
}

/**
 * Hashes and probes `file`. A file the media pipeline cannot read (empty, truncated, not an
 * image) rejects with the pipeline's MediaError, whose message names the file and what to do.
 */
export async function processFile(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<ProcessedFile> {
  // Checked for videos too, which are not decoded here (an empty one would become an asset).
  if (file.size === 0)
    throw new MediaError(
      'MEDIA_EMPTY_FILE',
      file.name,
      'the file is empty (0 bytes); re-copy it from the source',
    );
  const hash = await hashBlob(file, (f) => onProgress(f * 0.6));
  const isVideo = file.type.startsWith('video/');
  const out: ProcessedFile = {
    hash,
    type: isVideo ? 'video' : 'image',
    mime: file.type || 'application/octet-stream',
    width: 0,
    height: 0,
    capturedAt: file.lastModified,
  };
  if (isVideo) {
    try {
      // Only the tags: a video's bytes are not decoded here.
      factsOf(
        await extractMetadata(
          reader,
          { bytes: new Uint8Array(await file.slice(0, 4 << 20).arrayBuffer()), name: file.name },
          { fileTimeMs: file.lastModified },
        ),
        out,
      );
    } catch {
      // No readable tags: the file's own time stands in.
    }
    await addVideoFacts(file, out);
    onProgress(1);
    return out;
  }
  const input = { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name };
  const { metadata, derivatives }: ProcessedImage = await processImage({ reader, codec }, input, {
    fileTimeMs: file.lastModified,
  });
  factsOf(metadata, out);
  const place = out.gps && (await localPlaceOf(out.gps));
  if (place) out.place = place;
  out.phash = derivatives.phash;
  out.mime = metadata.mime;
  // The decoded size is after orientation whatever the tags say (HEIC irot, broken EXIF).
  out.width = derivatives.width;
  out.height = derivatives.height;
  out.thumbhash = derivatives.thumbhash;
  out.thumbnail = blobOf(derivatives.thumbnail.bytes, `image/${derivatives.thumbnail.format}`);
  out.preview = blobOf(derivatives.preview.bytes, `image/${derivatives.preview.format}`);
  await addMotionVideo(input.bytes, file.name, out);
  onProgress(1);
  return out;
}
