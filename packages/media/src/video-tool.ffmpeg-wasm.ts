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
}

/**
 * ffmpeg.wasm in the browser via @ffmpeg/ffmpeg, which runs the core in its own Web Worker.
 * One FFmpeg instance per job (terminated after), like the Node worker-thread runner, and the
 * same arguments (video-policy.ts), so output matches the native backend's. Run in Chromium by
 * the PWA e2e with the VideoTool contract.
 */
export function createBrowserWasmFfmpegRunner(opts: BrowserFfmpegOptions): FfmpegRunner {
  return {
    name: 'ffmpeg-wasm',
    async run(job: FfmpegJob): Promise<FfmpegResult> {
      const name = inputName(job.input);
      if (!('bytes' in job.input))
        throw new MediaError('MEDIA_NOT_FOUND', name, 'the browser backend takes bytes; read the file first');
      const early = abortedError(job.signal, name);
      if (early) throw early;
      const ff = new FFmpeg();
      // terminate() ends the core's worker; the pending load/exec then rejects, reported below.
      const onAbort = () => ff.terminate();
      job.signal?.addEventListener('abort', onAbort, { once: true });
      let stdout = '';
      let log = '';
      ff.on('log', ({ type, message }) => {
        if (type === 'stdout') stdout += message + '\n';
        else log = (log + message + '\n').slice(-4000);
      });
      const onProgress = job.onProgress;
      if (onProgress) ff.on('progress', ({ time }) => onProgress(time / 1e6));
      try {
        await ff.load({ coreURL: opts.coreURL, wasmURL: opts.wasmURL });
        const ext = extensionOf(name)
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 8);
        const inName = `/input${ext ? `.${ext}` : ''}`;
        const outName = `/output.${job.outputExt ?? 'bin'}`;
        await ff.writeFile(inName, job.input.bytes.slice());
        const args = job.args.map((a) => (a === '{input}' ? inName : a === '{output}' ? outName : a));
        const timeout = job.timeoutMs ?? -1;
        const exitCode =
          job.tool === 'ffmpeg'
            ? await ff.exec(['-hide_banner', ...args], timeout)
            : await ff.ffprobe(args, timeout);
        if (job.tool !== 'ffmpeg' || exitCode !== 0) return { exitCode, stdout, log };
        const data = await ff.readFile(outName).catch(() => undefined);
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
        ff.terminate();
      }
    },
  };
}

/** VideoTool on ffmpeg.wasm in the browser. */
export function createBrowserWasmVideoTool(opts: BrowserFfmpegOptions & FfmpegVideoToolOptions): VideoTool {
  return createFfmpegVideoTool(createBrowserWasmFfmpegRunner(opts), opts);
}
