import { FFmpeg } from '@ffmpeg/ffmpeg';
import { abortedError, MediaError } from './errors.ts';
import type { FfmpegJob, FfmpegResult, FfmpegRunner } from './ffmpeg-runner.ts';
import { createFfmpegVideoTool, type FfmpegVideoToolOptions } from './ffmpeg-video-tool.ts';
import { extensionOf, inputName } from './media-input.ts';
import type { VideoTool } from './video-tool.ts';

/** Where the browser loads @ffmpeg/core from (the PWA bundles it; no CDN). */
export interface BrowserFfmpegOptions {
  coreURL: string;
  wasmURL: string;
  /**
   * How long a loaded core is kept after a job for the next one (default 10 s; 0: one core per
   * job). Loading the 32 MB core is most of a short job's time, and one video's poster takes
   * 2–3 jobs; its worker (and the wasm heap, which never shrinks) is ended once idle.
   */
  keepLoadedMs?: number;
}

/**
 * ffmpeg.wasm in the browser via @ffmpeg/ffmpeg, which runs the core in its own Web Worker.
 * Same arguments as native (video-policy.ts), so the same output. A loaded core is reused by
 * the next job within `keepLoadedMs`; one whose job failed, timed out or was stopped is ended,
 * never reused. Run in Chromium by video-browser-parity.test.ts and the PWA's video e2e.
 */
export function createBrowserWasmFfmpegRunner(opts: BrowserFfmpegOptions): FfmpegRunner {
  const keepMs = opts.keepLoadedMs ?? 10_000;
  let idle: { ff: FFmpeg; timer: ReturnType<typeof setTimeout> } | undefined;
  const release = () => {
    if (!idle) return;
    clearTimeout(idle.timer);
    idle.ff.terminate();
    idle = undefined;
  };
  /** The idle core, if any (taken out of idle), else undefined. */
  const take = (): FFmpeg | undefined => {
    if (!idle) return undefined;
    clearTimeout(idle.timer);
    const { ff } = idle;
    idle = undefined;
    return ff;
  };
  const park = (ff: FFmpeg) => {
    if (keepMs <= 0 || idle) return ff.terminate();
    idle = { ff, timer: setTimeout(release, keepMs) };
  };

  return {
    name: 'ffmpeg-wasm',
    async run(job: FfmpegJob): Promise<FfmpegResult> {
      const name = inputName(job.input);
      if (!('bytes' in job.input))
        throw new MediaError('MEDIA_NOT_FOUND', name, 'the browser backend takes bytes; read the file first');
      const early = abortedError(job.signal, name);
      if (early) throw early;
      let ff: FFmpeg | undefined;
      let reusable = false;
      // terminate() ends the core's worker; the pending load/exec then rejects, reported below.
      const onAbort = () => ff?.terminate();
      job.signal?.addEventListener('abort', onAbort, { once: true });
      let stdout = '';
      let log = '';
      const onLog = ({ type, message }: { type: string; message: string }) => {
        if (type === 'stdout') stdout += message + '\n';
        else log = (log + message + '\n').slice(-4000);
      };
      const onProgress = job.onProgress;
      const onProg = ({ time }: { time: number }) => onProgress?.(time / 1e6);
      const ext = extensionOf(name)
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 8);
      const inName = `/input${ext ? `.${ext}` : ''}`;
      const outName = `/output.${job.outputExt ?? 'bin'}`;
      try {
        ff = take();
        if (!ff) {
          ff = new FFmpeg();
          await ff.load({ coreURL: opts.coreURL, wasmURL: opts.wasmURL });
        }
        ff.on('log', onLog);
        ff.on('progress', onProg);
        await ff.writeFile(inName, job.input.bytes.slice());
        const args = job.args.map((a) => (a === '{input}' ? inName : a === '{output}' ? outName : a));
        const timeout = job.timeoutMs ?? -1;
        const exitCode =
          job.tool === 'ffmpeg'
            ? await ff.exec(['-hide_banner', ...args], timeout)
            : await ff.ffprobe(args, timeout);
        const data =
          job.tool === 'ffmpeg' && exitCode === 0
            ? await ff.readFile(outName).catch(() => undefined)
            : undefined;
        // A failed exec (bad file or time bound hit) may leave the core in any state: not reused.
        // ffmpeg.wasm 0.12's ffprobe returns -1 even when it printed the streams, so a probe counts
        // as clean when it returned normally with streams in its output.
        reusable =
          job.tool === 'ffmpeg'
            ? exitCode === 0
            : (exitCode === 0 || exitCode === -1) && stdout.includes('"streams"');
        return data instanceof Uint8Array
          ? { exitCode, stdout, log, output: data }
          : { exitCode, stdout, log };
      } catch (e) {
        const stopped = abortedError(job.signal, name);
        if (stopped) throw stopped;
        throw new MediaError(
          'MEDIA_TOOL_FAILED',
          name,
          `ffmpeg.wasm failed: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      } finally {
        job.signal?.removeEventListener('abort', onAbort);
        if (ff) {
          ff.off('log', onLog);
          ff.off('progress', onProg);
          if (reusable && !job.signal?.aborted) {
            // the files go, so the next job's heap holds only its own
            await Promise.all(
              [ff.deleteFile(inName), ff.deleteFile(outName)].map((p) => p.catch(() => false)),
            );
            park(ff);
          } else ff.terminate();
        }
      }
    },
    async stop() {
      release();
    },
  };
}

/** VideoTool on ffmpeg.wasm in the browser. */
export function createBrowserWasmVideoTool(opts: BrowserFfmpegOptions & FfmpegVideoToolOptions): VideoTool {
  return createFfmpegVideoTool(createBrowserWasmFfmpegRunner(opts), opts);
}
