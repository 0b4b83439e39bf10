import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { abortedError, MediaError, mediaAborted } from './errors.ts';
import { INPUT, OUTPUT, type FfmpegJob, type FfmpegResult, type FfmpegRunner } from './ffmpeg-runner.ts';
import { reapOrphanedChildren, recordChild, withParentDeathSignal } from './ffmpeg-runner-children.native.ts';
import { inputName } from './media-input.ts';
import { removeStaleTempDirs, withInputPath, withTempDir } from './temp-file.node.ts';

/** Options for {@link createNativeFfmpegRunner}. */
export interface NativeFfmpegOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  /**
   * Where running children are recorded (e.g. under the node's data dir), so a process that
   * starts after this one was killed can reap them (`reapOrphanedChildren`; `start()` does).
   */
  childrenDir?: string;
  /** Have the kernel kill ffmpeg when this process dies (`setpriv --pdeathsig`); default true. */
  parentDeathSignal?: boolean;
}

/** ffmpeg/ffprobe as child processes (the fast path: 7–13× ffmpeg.wasm here). */
export function createNativeFfmpegRunner(opts: NativeFfmpegOptions = {}): FfmpegRunner {
  return {
    name: 'ffmpeg-native',
    async start() {
      await removeStaleTempDirs();
      if (opts.childrenDir) await reapOrphanedChildren(opts.childrenDir);
    },
    run(job: FfmpegJob): Promise<FfmpegResult> {
      return withInputPath(job.input, (inPath) =>
        withTempDir(async (dir) => {
          const outPath = join(dir, `out.${job.outputExt ?? 'bin'}`);
          const args = job.args.map((a) => (a === INPUT ? inPath : a === OUTPUT ? outPath : a));
          const bin = job.tool === 'ffmpeg' ? (opts.ffmpegPath ?? 'ffmpeg') : (opts.ffprobePath ?? 'ffprobe');
          const full =
            job.tool === 'ffmpeg'
              ? [
                  '-nostdin',
                  '-y',
                  '-hide_banner',
                  '-loglevel',
                  'error',
                  ...(job.onProgress ? ['-progress', 'pipe:1', '-nostats'] : []),
                  ...args,
                ]
              : args;
          const r = await exec(bin, full, job, inputName(job.input), opts);
          if (r.exitCode === 0 && job.tool === 'ffmpeg') {
            try {
              r.output = new Uint8Array(await readFile(outPath));
            } catch {
              // no output file: the caller reports it
            }
          }
          return r;
        }),
      );
    },
  };
}

function exec(
  bin: string,
  args: string[],
  job: FfmpegJob,
  name: string,
  opts: NativeFfmpegOptions,
): Promise<FfmpegResult> {
  return new Promise((resolve, reject) => {
    const early = abortedError(job.signal, name);
    if (early) return reject(early);
    const cmd = opts.parentDeathSignal === false ? { bin, args } : withParentDeathSignal(bin, args);
    const child = spawn(cmd.bin, cmd.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const unrecord = child.pid && opts.childrenDir ? recordChild(opts.childrenDir, child.pid, bin) : () => {};
    let stdout = '';
    let log = '';
    let timedOut = false;
    let aborted = false;
    const timer = job.timeoutMs
      ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), job.timeoutMs)
      : undefined;
    // SIGKILL: the output is thrown away anyway, and a kill cannot be ignored or delayed.
    const onAbort = () => ((aborted = true), child.kill('SIGKILL'));
    job.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      unrecord();
      clearTimeout(timer);
      job.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (!job.onProgress) return void (stdout += d);
      // -progress key=value lines; out_time_us is the position in microseconds.
      for (const m of d.matchAll(/out_time_us=(\d+)/g)) job.onProgress(Number(m[1]) / 1e6);
    });
    child.stderr.on('data', (d: string) => {
      log = (log + d).slice(-4000);
    });
    const missing = (why: string, cause?: unknown) => {
      const msg = `cannot run ${bin} (${why}); install ffmpeg or use the wasm backend`;
      return new MediaError('MEDIA_TOOL_MISSING', name, msg, { cause });
    };
    child.on('error', (e) => {
      done();
      reject(missing(e.message, e));
    });
    child.on('close', (code) => {
      done();
      // setpriv itself ran, but could not exec the program (127: not found, 126: not runnable).
      if (cmd.bin === 'setpriv' && (code === 127 || code === 126) && /setpriv: failed to execute/.test(log))
        reject(missing(log.trim()));
      else if (aborted) reject(mediaAborted(name, job.signal));
      else if (timedOut)
        reject(
          new MediaError(
            'MEDIA_TIMEOUT',
            name,
            `${bin} took longer than ${job.timeoutMs} ms and was stopped; the original is kept`,
          ),
        );
      else resolve({ exitCode: code ?? 1, stdout, log });
    });
  });
}
