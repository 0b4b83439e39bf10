import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { abortedError, MediaError, mediaAborted } from './errors.ts';
import type { WasmJobMessage, WasmWorkerReply } from './ffmpeg-wasm.worker.ts';
import type { FfmpegJob, FfmpegResult, FfmpegRunner } from './ffmpeg-runner.ts';
import { createFfmpegVideoTool, type FfmpegVideoToolOptions } from './ffmpeg-video-tool.ts';
import { extensionOf, inputName } from './media-input.ts';
import type { VideoTool } from './video-tool.ts';

/**
 * ffmpeg.wasm in Node: each job in a fresh worker thread (ffmpeg-wasm.worker.ts), so the
 * event loop stays free, memory is returned, and a timeout can end a stuck job. For machines
 * without native ffmpeg; the browser uses video-tool.ffmpeg-wasm.ts with the same arguments.
 */
export function createWasmFfmpegRunner(): FfmpegRunner {
  return {
    name: 'ffmpeg-wasm',
    async run(job: FfmpegJob): Promise<FfmpegResult> {
      const name = inputName(job.input);
      const early = abortedError(job.signal, name);
      if (early) throw early;
      const bytes = 'bytes' in job.input ? job.input.bytes : new Uint8Array(await readFile(job.input.path));
      const message: WasmJobMessage = {
        tool: job.tool,
        args: job.args,
        input: bytes,
        inputExt: extensionOf(name)
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 8),
        outputExt: job.outputExt ?? 'bin',
        progress: Boolean(job.onProgress),
      };
      const worker = new Worker(new URL('./ffmpeg-wasm.worker.ts', import.meta.url));
      return new Promise<FfmpegResult>((resolve, reject) => {
        const timer = job.timeoutMs
          ? setTimeout(() => {
              void worker.terminate();
              reject(
                new MediaError(
                  'MEDIA_TIMEOUT',
                  name,
                  `ffmpeg.wasm took longer than ${job.timeoutMs} ms and was stopped; the original is kept`,
                ),
              );
            }, job.timeoutMs)
          : undefined;
        const finish = () => {
          clearTimeout(timer);
          job.signal?.removeEventListener('abort', onAbort);
          void worker.terminate();
        };
        // Terminating the worker stops the wasm mid-instruction; nothing of the job survives it.
        const onAbort = () => {
          finish();
          reject(mediaAborted(name, job.signal));
        };
        job.signal?.addEventListener('abort', onAbort, { once: true });
        if (job.signal?.aborted) onAbort();
        worker.on('message', (m: WasmWorkerReply) => {
          if (m.type === 'progress') job.onProgress?.(m.seconds);
          else if (m.type === 'error') {
            finish();
            reject(new MediaError('MEDIA_TOOL_FAILED', name, `ffmpeg.wasm failed: ${m.message}`));
          } else {
            finish();
            resolve(
              m.output
                ? { exitCode: m.exitCode, stdout: m.stdout, log: m.log, output: m.output }
                : { exitCode: m.exitCode, stdout: m.stdout, log: m.log },
            );
          }
        });
        worker.on('exit', (code) => {
          clearTimeout(timer);
          job.signal?.removeEventListener('abort', onAbort);
          // settles only if nothing else did: a worker that died without replying
          reject(
            new MediaError('MEDIA_TOOL_FAILED', name, `ffmpeg.wasm worker exited (${code}) without a result`),
          );
        });
        worker.on('error', (e) => {
          finish();
          reject(
            new MediaError('MEDIA_TOOL_FAILED', name, `ffmpeg.wasm worker crashed: ${e.message}`, {
              cause: e,
            }),
          );
        });
        worker.postMessage(message);
      });
    },
  };
}

/** VideoTool on ffmpeg.wasm in worker threads (works without any ffmpeg installed). */
export function createWasmVideoTool(opts: FfmpegVideoToolOptions = {}): VideoTool {
  return createFfmpegVideoTool(createWasmFfmpegRunner(), opts);
}
