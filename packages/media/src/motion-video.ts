import { MediaError } from './errors.ts';
import type { MotionPhotoHint } from './media-metadata.ts';
import { splitMotionPhoto, type MotionPhotoParts } from './motion-photo.ts';
import type { TranscodeResult, VideoJobOptions, VideoTool } from './video-tool.ts';

/**
 * Bump when what {@link motionVideo} makes changes (the split or the playback policy it
 * applies), so the node's reconcile loop makes every motion part again.
 */
export const MOTION_PIPELINE_VERSION = 1;

/** A motion photo's video, ready to play: the embedded MP4 remuxed or transcoded for playback. */
export interface MotionVideo {
  vendor: MotionPhotoParts['vendor'];
  /** Bytes of the video as embedded in the original. */
  embeddedBytes: number;
  /** What a `<video>` plays: H.264/AAC MP4 by the playback policy (video-policy.ts). */
  playback: TranscodeResult;
}

/** Options for {@link motionVideo}. */
export interface MotionVideoOptions extends VideoJobOptions {
  /** Display name of the photo, for errors. */
  name: string;
  /** What the metadata reader found (exiftool's offsets); the bytes are searched without it. */
  hint?: MotionPhotoHint;
}

/** Verdicts of the video tool on the embedded bytes: the video is bad, not the tool. */
const BAD_VIDEO = new Set([
  'MEDIA_EMPTY_FILE',
  'MEDIA_CORRUPT_FILE',
  'MEDIA_UNSUPPORTED_FORMAT',
  'MEDIA_TOOL_FAILED',
]);

/**
 * The playable video of a motion photo (Google, Samsung JPEG or HEIC), or undefined when the
 * photo has none. The embedded video goes through the same playback policy as any video
 * (H.264 4:2:0 is remuxed, anything else such as Samsung's HEVC is transcoded to H.264 720p),
 * because browsers cannot be relied on to play HEVC. An embedded video the tool cannot read,
 * or a `hint` saying "motion photo" where no video is found, is MEDIA_MOTION_VIDEO_INVALID:
 * the photo itself (`bytes`) is untouched and its still is as good as ever.
 */
export async function motionVideo(
  tool: VideoTool,
  bytes: Uint8Array,
  opts: MotionVideoOptions,
): Promise<MotionVideo | undefined> {
  const parts = splitMotionPhoto(bytes, opts.hint);
  if (!parts) {
    if (!opts.hint) return undefined;
    throw new MediaError(
      'MEDIA_MOTION_VIDEO_INVALID',
      opts.name,
      `its tags say ${opts.hint.vendor} motion photo, but no embedded MP4 was found; the still is kept`,
    );
  }
  const input = { bytes: parts.video, name: `${opts.name}.motion.mp4` };
  const job: VideoJobOptions = opts.signal ? { signal: opts.signal } : {};
  try {
    const playback = await tool.transcode(input, job);
    return { vendor: parts.vendor, embeddedBytes: parts.video.byteLength, playback };
  } catch (err) {
    if (err instanceof MediaError && BAD_VIDEO.has(err.code))
      throw new MediaError(
        'MEDIA_MOTION_VIDEO_INVALID',
        opts.name,
        `the embedded ${parts.vendor} motion video (${parts.video.byteLength} bytes) cannot be read (${err.code}); the still is kept`,
        { cause: err },
      );
    throw err;
  }
}
