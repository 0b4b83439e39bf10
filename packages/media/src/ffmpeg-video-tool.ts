import { abortedError, MediaError } from './errors.ts';
import type { FfmpegJob, FfmpegResult, FfmpegRunner } from './ffmpeg-runner.ts';
import { inputName, type MediaInput } from './media-input.ts';
import { parseProbe, playbackArgs, posterArgs, probeArgs } from './video-policy.ts';
import type {
  TranscodeOptions,
  TranscodeResult,
  VideoInfo,
  VideoJobOptions,
  VideoTool,
} from './video-tool.ts';

/** Options for {@link createFfmpegVideoTool}. */
export interface FfmpegVideoToolOptions {
  /** Bound for probe and poster jobs (default 60 s). */
  shortJobTimeoutMs?: number;
  /** Bound for a transcode, per second of video (default 30 s per s, at least 5 min). */
  transcodeTimeoutPerSecondMs?: number;
}

/** The VideoTool logic over any FfmpegRunner: same arguments, so same output, for every runner. */
export function createFfmpegVideoTool(runner: FfmpegRunner, opts: FfmpegVideoToolOptions = {}): VideoTool {
  const shortTimeout = opts.shortJobTimeoutMs ?? 60_000;
  const perSecond = opts.transcodeTimeoutPerSecondMs ?? 30_000;

  // Every job goes through here: an aborted signal stops before starting the next one.
  const exec = async (job: FfmpegJob): Promise<FfmpegResult> => {
    const stopped = abortedError(job.signal, inputName(job.input));
    if (stopped) throw stopped;
    return runner.run(job);
  };
  const withSignal = (job: FfmpegJob, signal: AbortSignal | undefined): FfmpegJob =>
    signal ? { ...job, signal } : job;

  const run = async (job: FfmpegJob, what: string): Promise<FfmpegResult> => {
    const r = await exec(job);
    if (r.exitCode !== 0) {
      throw new MediaError(
        'MEDIA_CORRUPT_FILE',
        inputName(job.input),
        `${runner.name} could not ${what} (exit ${r.exitCode}): ${r.log.slice(-300)}; the original is kept`,
      );
    }
    return r;
  };

  const probe = async (input: MediaInput, o: VideoJobOptions = {}): Promise<VideoInfo> => {
    if ('bytes' in input && input.bytes.byteLength === 0)
      throw new MediaError('MEDIA_EMPTY_FILE', inputName(input), 'the file is empty (0 bytes)');
    const r = await exec(
      withSignal({ tool: 'ffprobe', args: probeArgs(), input, timeoutMs: shortTimeout }, o.signal),
    );
    const info = parseProbe(r.stdout);
    if (!info) {
      throw new MediaError(
        r.exitCode === 0 ? 'MEDIA_UNSUPPORTED_FORMAT' : 'MEDIA_CORRUPT_FILE',
        inputName(input),
        `no playable video stream found (${r.log.slice(-200) || 'ffprobe found none'}); the original is kept`,
      );
    }
    return info;
  };

  return {
    name: runner.name,
    async start() {
      await runner.start?.();
    },
    async stop() {
      await runner.stop?.();
    },
    probe,
    async posterFrame(input: MediaInput, o: VideoJobOptions = {}): Promise<Uint8Array> {
      const info = await probe(input, o);
      let r = await exec(
        withSignal(
          { tool: 'ffmpeg', args: posterArgs(info), input, outputExt: 'png', timeoutMs: shortTimeout },
          o.signal,
        ),
      );
      if (r.exitCode !== 0 || !r.output?.byteLength) {
        // dark throughout (every frame filtered out): take the plain pick
        r = await run(
          withSignal(
            {
              tool: 'ffmpeg',
              args: posterArgs(info, false),
              input,
              outputExt: 'png',
              timeoutMs: shortTimeout,
            },
            o.signal,
          ),
          'extract a poster frame',
        );
      }
      if (!r.output?.byteLength)
        throw new MediaError(
          'MEDIA_CORRUPT_FILE',
          inputName(input),
          'no frame could be decoded for a poster',
        );
      return r.output;
    },
    async transcode(input: MediaInput, o: TranscodeOptions = {}): Promise<TranscodeResult> {
      const info = await probe(input, o);
      const { action, args } = playbackArgs(info);
      const job: FfmpegJob = withSignal(
        {
          tool: 'ffmpeg',
          args,
          input,
          outputExt: 'mp4',
          timeoutMs: Math.max(300_000, info.durationS * perSecond),
        },
        o.signal,
      );
      const onProgress = o.onProgress;
      if (onProgress && info.durationS > 0)
        job.onProgress = (s) => onProgress(Math.max(0, Math.min(1, s / info.durationS)));
      const r = await run(job, action);
      if (!r.output?.byteLength)
        throw new MediaError('MEDIA_TOOL_FAILED', inputName(input), `${runner.name} produced no output`);
      onProgress?.(1);
      const out = await probe({ bytes: r.output, name: `${inputName(input)}.playback.mp4` }, o);
      return { action, bytes: r.output, info: out };
    },
  };
}
