import { readFile } from 'node:fs/promises';
import type { VideoTool } from '@hearth/media';
import type { AssetRecord } from './asset-record.ts';
import { StepFailedError } from './errors.ts';
import type { PipelineStep } from './pipeline-step.ts';

/** Photo types a motion photo comes in: Google and Samsung JPEGs, Samsung HEICs. */
export const MOTION_MIME = /^image\/(jpeg|heic|heif)$/;

/**
 * Media errors that are a verdict on the photo's video. Like the video step's, a tool failure
 * counts: the same bytes fail again on the next start. A new version retries them.
 */
const PERMANENT = new Set(['MEDIA_MOTION_VIDEO_INVALID', 'MEDIA_TIMEOUT', 'MEDIA_TOO_LARGE']);

/**
 * Whether the step looks at an asset: photos of a motion-photo type that the import did not
 * already find to be plain (`motionPhoto: false`). Assets imported before the flag existed
 * have none, so the loop checks each of them once (a library gets its motion parts through
 * the loop, like any new derived kind).
 */
export const mayBeMotionPhoto = (a: AssetRecord): boolean =>
  a.type === 'photo' && a.motionPhoto !== false && MOTION_MIME.test(a.mime);

/**
 * `motion`: a motion photo's embedded video (@hearth/media `motionVideo`), stored as the
 * derived blob `motion`, an MP4 a browser plays (Samsung's HEVC is transcoded to H.264 by the
 * playback policy, H.264 is remuxed). The original is only read: the asset id stays the hash
 * of its bytes and the still's thumbnail and preview come from the `images` step as for any
 * photo. A photo with no video records `motion: none` with no blob, so it is not looked at
 * again; a malformed video is a STEP_FAILED verdict (recorded, not retried at this version).
 * Concurrency 1: a transcode uses every core.
 */
export async function createMotionStep(video: () => Promise<VideoTool>): Promise<PipelineStep> {
  const media = await import('@hearth/media');
  return {
    kind: 'motion',
    version: media.MOTION_PIPELINE_VERSION,
    concurrency: 1,
    appliesTo: mayBeMotionPhoto,
    async run(a, { originalPath, signal }) {
      const bytes = new Uint8Array(await readFile(originalPath));
      // The bytes decide, not the tags: no exiftool run, and a library imported before the
      // flag gets the same answer.
      if (!media.splitMotionPhoto(bytes)) return { blobs: {}, values: { motion: 'none' } };
      try {
        const m = await media.motionVideo(await video(), bytes, { name: a.fileName, signal });
        if (!m) return { blobs: {}, values: { motion: 'none' } };
        return {
          blobs: { motion: m.playback.bytes },
          values: {
            motion: m.playback.action,
            vendor: m.vendor,
            embeddedBytes: m.embeddedBytes,
            durationS: m.playback.info.durationS,
            width: m.playback.info.width,
            height: m.playback.info.height,
          },
        };
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (PERMANENT.has(code))
          throw new StepFailedError('motion', a.fileName, (err as Error).message, { cause: err });
        throw err;
      }
    },
  };
}
