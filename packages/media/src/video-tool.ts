import type { MediaInput } from './media-input.ts';

/** What `probe` learns about a video. Width/height are as displayed (rotation applied). */
export interface VideoInfo {
  durationS: number;
  width: number;
  height: number;
  /** Clockwise degrees the player must rotate the stored frames (0, 90, 180, 270). */
  rotation: number;
  codec: string;
  pixelFormat: string;
  frameRate?: number;
  audioCodec?: string;
  container: string;
}

/** The playback transcode: what was done and its result. */
export interface TranscodeResult {
  action: 'transcode' | 'remux';
  bytes: Uint8Array;
  info: VideoInfo;
}

/** Options every VideoTool operation takes. */
export interface VideoJobOptions {
  /**
   * Stops the operation: a native ffmpeg is killed, an ffmpeg.wasm worker terminated, and the
   * promise rejects with MediaError MEDIA_ABORTED (e.g. on the node's shutdown).
   */
  signal?: AbortSignal;
}

/** Options for {@link VideoTool.transcode}. */
export interface TranscodeOptions extends VideoJobOptions {
  /** Called with 0…1 as the job advances. */
  onProgress?: (fraction: number) => void;
}

/**
 * Video operations for ingest and playback. Backends: native ffmpeg (child process) and
 * ffmpeg.wasm (worker); both run the same arguments (video-policy.ts). Errors are MediaError
 * (MEDIA_EMPTY_FILE, MEDIA_UNSUPPORTED_FORMAT, MEDIA_CORRUPT_FILE, MEDIA_TIMEOUT, MEDIA_TOOL_FAILED,
 * MEDIA_ABORTED).
 */
export interface VideoTool {
  readonly name: string;
  probe(input: MediaInput, opts?: VideoJobOptions): Promise<VideoInfo>;
  /**
   * A representative frame (not a black first frame) as PNG, 1440 px short side at most, as
   * displayed (rotation applied). Feed it to makeDerivatives for the video's thumbnail/preview.
   */
  posterFrame(input: MediaInput, opts?: VideoJobOptions): Promise<Uint8Array>;
  /** H.264/AAC 720p CRF 23 MP4 when needed (Immich's policy), a remux otherwise. */
  transcode(input: MediaInput, opts?: TranscodeOptions): Promise<TranscodeResult>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
