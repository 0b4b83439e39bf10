import type { ImageCodec, makeDerivatives, VideoTool } from '@hearth/media';
import { StepFailedError } from './errors.ts';
import type { PipelineStep } from './pipeline-step.ts';

/**
 * Bumped when what this step makes changes (outputs, policy) without a media package
 * version change; the stored version folds both in, so either change redoes every video.
 */
const VIDEO_STEP_REVISION = 1;

/**
 * Media errors that are a verdict on the file. MEDIA_TOOL_FAILED and MEDIA_TIMEOUT count too:
 * ffmpeg failing on one file fails again on the next start, and retrying a malformed video
 * at every start is the endless loop this step must not have. A new version retries them.
 */
const PERMANENT = new Set([
  'MEDIA_EMPTY_FILE',
  'MEDIA_UNSUPPORTED_FORMAT',
  'MEDIA_CORRUPT_FILE',
  'MEDIA_TOO_LARGE',
  'MEDIA_BAD_NAME',
  'MEDIA_TOOL_FAILED',
  'MEDIA_TIMEOUT',
]);

/** The `video` step and the tools it holds open. */
export interface VideoStep {
  step: PipelineStep;
  /** The step's video tool, started on first call (the motion step shares it). */
  videoTool(): Promise<VideoTool>;
  /** Stop the ffmpeg backend and the image codec if they were started. */
  stop(): Promise<void>;
}

/** Options for {@link createVideoStep}. */
export interface VideoStepOptions {
  /** Force a backend; by default native ffmpeg when on PATH, ffmpeg.wasm otherwise. */
  backend?: 'native' | 'wasm';
  /** Where native ffmpeg records its running children (`DataDirLayout.ffmpegChildren`). */
  childrenDir?: string;
}

interface Tools {
  video: VideoTool;
  codec: ImageCodec;
  render: typeof makeDerivatives;
}

/**
 * `video`: the poster frame (PNG, black frames skipped) rendered by makeDerivatives into the
 * same thumbnail/preview/thumbhash a photo has, and the playback file (H.264/AAC transcode, or
 * a remux when the source is already H.264 4:2:0). Concurrency 1: a transcode uses every
 * core. The outputs come back as bytes and the loop stores them, so a killed transcode leaves
 * only ffmpeg's temp file, never a blob or a record, and is redone on the next start.
 */
export async function createVideoStep(opts: VideoStepOptions = {}): Promise<VideoStep> {
  const media = await import('@hearth/media');
  let tools: Promise<Tools> | undefined;
  // Tools start on first use, so a node without videos never starts ffmpeg or its worker.
  const load = () =>
    (tools ??= (async () => {
      const platform = await import('@hearth/media/platform');
      const native = opts.backend ? opts.backend === 'native' : platform.hasNativeFfmpeg();
      const video = native
        ? platform.createNativeVideoTool(opts.childrenDir ? { childrenDir: opts.childrenDir } : {})
        : platform.createWasmVideoTool();
      const codec = platform.createSharpCodec();
      await Promise.all([video.start(), codec.start()]);
      return { video, codec, render: media.makeDerivatives };
    })());

  const step: PipelineStep = {
    kind: 'video',
    version: media.DERIVATIVES_PIPELINE_VERSION * 1000 + VIDEO_STEP_REVISION,
    concurrency: 1,
    appliesTo: (a) => a.type === 'video',
    async run(a, { originalPath, signal }) {
      const t = await load();
      const input = { path: originalPath, name: a.fileName };
      try {
        // The loop's stop aborts `signal`: ffmpeg is killed rather than waited for, and the
        // video (never recorded) is redone on the next start.
        const poster = await t.video.posterFrame(input, { signal });
        const d = await t.render(t.codec, { bytes: poster, name: `${a.fileName}.poster.png` });
        const play = await t.video.transcode(input, { signal });
        return {
          blobs: { thumbnail: d.thumbnail.bytes, preview: d.preview.bytes, playback: play.bytes },
          values: {
            thumbhash: d.thumbhash,
            width: d.width,
            height: d.height,
            playback: play.action,
            playbackCodec: play.info.codec,
            durationS: play.info.durationS,
            tool: t.video.name,
          },
        };
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (PERMANENT.has(code))
          throw new StepFailedError('video', a.fileName, (err as Error).message, { cause: err });
        throw err;
      }
    },
  };

  return {
    step,
    videoTool: async () => (await load()).video,
    async stop() {
      if (!tools) return;
      const t = await tools.catch(() => undefined);
      if (!t) return;
      await Promise.all([t.video.stop(), t.codec.stop()]);
    },
  };
}
