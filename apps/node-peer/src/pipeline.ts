import type { ImageCodec, makeDerivatives, MediaInput, MetadataReader } from '@hearth/media';
import { StepFailedError } from './errors.ts';
import type { DeviceMlResults, MlFeature } from './ml-steps.ts';
import type { PipelineStep } from './pipeline-step.ts';
import { createMotionStep } from './motion-step.ts';
import { createVideoStep } from './video-step.ts';

/** The steps the reconcile loop runs on this node, and the tools they hold open. */
export interface Pipeline {
  steps: PipelineStep[];
  /** ML features (faces, tags, ocr): enabled or why not. Empty when ML is off. */
  ml: MlFeature[];
  /** the ML steps adopt devices' own face and tag results from `source` (see ml-steps.ts) */
  adoptDeviceResults(source: DeviceMlResults): void;
  stop(): Promise<void>;
}

/** What the pipeline needs from the config. */
export interface PipelineOptions {
  /** Run the ML steps (config `ml`, env HEARTH_ML). */
  ml: boolean;
  modelsDir: string;
  /** Where native ffmpeg records its running children (`DataDirLayout.ffmpegChildren`). */
  ffmpegChildren?: string;
}

/** Media errors that are a verdict on the file (not worth retrying at this version). */
const PERMANENT = new Set([
  'MEDIA_EMPTY_FILE',
  'MEDIA_UNSUPPORTED_FORMAT',
  'MEDIA_CORRUPT_FILE',
  'MEDIA_TOO_LARGE',
  'MEDIA_BAD_NAME',
]);

/** The media package's derivatives version, without starting any tool. */
async function imagesVersion(): Promise<number> {
  return (await import('@hearth/media')).DERIVATIVES_PIPELINE_VERSION;
}

/**
 * `images`: thumbnail (WebP 250 px), preview (JPEG 1440 px), thumbhash and perceptual hash
 * from one decode, by @hearth/media on sharp; RAW files use their embedded JPEG via
 * exiftool. Tools start on first use, so a node with nothing to do starts fast.
 */
export async function createPipeline(
  opts: PipelineOptions = { ml: false, modelsDir: '' },
): Promise<Pipeline> {
  let tools:
    Promise<{ render: typeof makeDerivatives; codec: ImageCodec; reader: MetadataReader }> | undefined;
  const load = () =>
    (tools ??= (async () => {
      const media = await import('@hearth/media');
      const platform = await import('@hearth/media/platform');
      const codec = platform.createSharpCodec();
      await codec.start();
      return { render: media.makeDerivatives, codec, reader: platform.createExiftoolReader({ maxProcs: 1 }) };
    })());
  let readerStarted = false;
  const images: PipelineStep = {
    kind: 'images',
    version: await imagesVersion(),
    appliesTo: (a) => a.type === 'photo',
    async run(a, { originalPath }) {
      const t = await load();
      const input: MediaInput = { path: originalPath, name: a.fileName };
      try {
        const d = await t.render(t.codec, input, {
          mime: a.mime,
          embeddedPreview: async (i) => {
            if (!readerStarted) await t.reader.start();
            readerStarted = true;
            return (
              (await t.reader.readBinaryTag?.(i, 'JpgFromRaw')) ??
              (await t.reader.readBinaryTag?.(i, 'PreviewImage'))
            );
          },
        });
        return {
          blobs: { thumbnail: d.thumbnail.bytes, preview: d.preview.bytes },
          values: {
            thumbhash: d.thumbhash,
            phash: d.phash,
            width: d.width,
            height: d.height,
            decoder: d.decoder,
          },
        };
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (PERMANENT.has(code))
          throw new StepFailedError('images', a.fileName, (err as Error).message, { cause: err });
        throw err;
      }
    },
  };
  // Loaded only when on: onnxruntime is a slow import that a node without ML should not pay.
  const ml = opts.ml
    ? await (await import('./ml-steps.ts')).createMlSteps({ modelsDir: opts.modelsDir })
    : undefined;
  const video = await createVideoStep(opts.ffmpegChildren ? { childrenDir: opts.ffmpegChildren } : {});
  const motion = await createMotionStep(() => video.videoTool());
  return {
    steps: [images, video.step, motion, ...(ml?.steps ?? [])],
    ml: ml?.features ?? [],
    adoptDeviceResults: (source) => ml?.adoptDeviceResults(source),
    async stop() {
      await ml?.stop();
      await video.stop();
      if (!tools) return;
      const t = await tools;
      await t.codec.stop();
      if (readerStarted) await t.reader.stop();
    },
  };
}
