import type { MediaInput } from './media-input.ts';

/** Placeholders a job's arguments use for its input and output files. */
export const INPUT = '{input}';
export const OUTPUT = '{output}';

/** One ffmpeg or ffprobe invocation. */
export interface FfmpegJob {
  tool: 'ffmpeg' | 'ffprobe';
  /** Arguments, with {@link INPUT} / {@link OUTPUT} where the files go. */
  args: string[];
  input: MediaInput;
  /** Extension of the output file (`mp4`, `jpg`), when the job writes one. */
  outputExt?: string;
  /** Seconds of media processed so far. */
  onProgress?: (seconds: number) => void;
  /** Bound on the job; it is killed when exceeded (MEDIA_TIMEOUT). */
  timeoutMs?: number;
  /** Stops the job (native process killed, worker terminated): MEDIA_ABORTED. */
  signal?: AbortSignal;
}

/** What a job produced. */
export interface FfmpegResult {
  exitCode: number;
  stdout: string;
  /** The last lines of ffmpeg's log, for error messages. */
  log: string;
  output?: Uint8Array;
}

/**
 * Runs ffmpeg/ffprobe: natively (child process, when `ffmpeg` is on PATH) or as ffmpeg.wasm in
 * a worker. The VideoTool builds identical arguments for both, so both give the same output.
 */
export interface FfmpegRunner {
  readonly name: string;
  run(job: FfmpegJob): Promise<FfmpegResult>;
  /** Called by the VideoTool's start() (native: removes temp dirs a killed process left). */
  start?(): Promise<void>;
  /** Called by the VideoTool's stop() (browser wasm: ends a core kept loaded between jobs). */
  stop?(): Promise<void>;
}
