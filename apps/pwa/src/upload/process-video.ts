/**
 * A locally imported video's probe and poster, in the import worker: duration, displayed size
 * (rotation applied), and the poster frame (black frames skipped) rendered into the same
 * thumbnail / preview / thumbhash a photo gets — the home node's video step, on ffmpeg.wasm.
 *
 * process-file.ts imports this module dynamically on the first video, and the 32 MB core
 * (bundled from node_modules, not precached by the service worker) is fetched by its first job,
 * so a photos-only session never downloads it. The core runs in @ffmpeg/ffmpeg's own nested
 * worker, kept 10 s after a job for the next one (a video takes 2–3), then ended so its memory
 * goes back.
 */
import {
  makeDerivatives,
  MediaError,
  motionVideo,
  type Derivatives,
  type ImageCodec,
  type MotionVideo,
  type VideoInfo,
} from '@hearth/media';
import { createBrowserWasmVideoTool } from '@hearth/media/browser';
import { bundledFfmpegCore } from '@hearth/media/ffmpeg-core';

/**
 * Above this, a video is not probed here: ffmpeg.wasm holds the whole file in its heap (and the
 * file is read whole to hand it over), which a phone may not have. The home node probes it.
 */
export const MAX_LOCAL_VIDEO_BYTES = 256 << 20;

/** What the local import learns of a video. */
export interface LocalVideo {
  info: VideoInfo;
  /** From the poster frame: thumbnail (WebP 250 px), preview (JPEG 1440 px), thumbhash. */
  derivatives: Derivatives;
}

const tool = createBrowserWasmVideoTool(bundledFfmpegCore);

/**
 * Probes `file` and renders its poster with `codec`. A file ffmpeg cannot read rejects with
 * the media package's MediaError (MEDIA_CORRUPT_FILE, MEDIA_UNSUPPORTED_FORMAT, …); one over
 * {@link MAX_LOCAL_VIDEO_BYTES} with MEDIA_TOO_LARGE (the caller keeps the tags-only facts).
 */
export async function processVideo(file: File, codec: ImageCodec): Promise<LocalVideo> {
  if (file.size > MAX_LOCAL_VIDEO_BYTES)
    throw new MediaError(
      'MEDIA_TOO_LARGE',
      file.name,
      `over ${MAX_LOCAL_VIDEO_BYTES >> 20} MiB: not probed on this device; the home node does it`,
    );
  const input = { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name };
  const info = await tool.probe(input);
  const poster = await tool.posterFrame(input);
  const derivatives = await makeDerivatives(codec, { bytes: poster, name: `${file.name}.poster.png` });
  return { info, derivatives };
}

/**
 * A motion photo's video made playable here, the home node's `motion` step on ffmpeg.wasm:
 * Samsung's HEVC is transcoded to H.264 (Chromium does not play HEVC), H.264 remuxed.
 * Undefined when `bytes` hold no video; a video ffmpeg cannot read rejects with
 * MEDIA_MOTION_VIDEO_INVALID (the still is imported all the same).
 */
export async function processMotion(bytes: Uint8Array, name: string): Promise<MotionVideo | undefined> {
  return motionVideo(tool, bytes, { name });
}
