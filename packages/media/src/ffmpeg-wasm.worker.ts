/**
 * Worker thread running ffmpeg.wasm (@ffmpeg/core) in Node. The core is built for browsers
 * and Web Workers only (ENVIRONMENT_IS_WORKER is hard-wired); it needs nothing of a worker
 * but `self.location.href` and the wasm bytes, both given here. One job per worker: the wasm
 * heap is freed with it, and a stuck job is ended by terminating the worker.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

interface Core {
  exec(...args: string[]): number;
  ffprobe(...args: string[]): number;
  setLogger(f: (l: { type: string; message: string }) => void): void;
  setProgress(f: (p: { progress: number; time: number }) => void): void;
  FS: { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array };
}
export interface WasmJobMessage {
  tool: 'ffmpeg' | 'ffprobe';
  args: string[];
  input: Uint8Array;
  inputExt: string;
  outputExt: string;
  progress: boolean;
}
export type WasmWorkerReply =
  | { type: 'progress'; seconds: number }
  | { type: 'done'; exitCode: number; stdout: string; log: string; output?: Uint8Array }
  | { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('ffmpeg-wasm.worker.ts must run as a worker thread');

(globalThis as { self?: unknown }).self = { location: { href: import.meta.url } };
const require = createRequire(import.meta.url);

port.once('message', (job: WasmJobMessage) => {
  void (async () => {
    try {
      const { default: createCore } = (await import('@ffmpeg/core')) as unknown as {
        default: (o: object) => Promise<Core>;
      };
      const core = await createCore({ wasmBinary: await readFile(require.resolve('@ffmpeg/core/wasm')) });
      let stdout = '';
      let log = '';
      core.setLogger((l) => {
        if (l.type === 'stdout') stdout += l.message + '\n';
        else log = (log + l.message + '\n').slice(-4000);
      });
      if (job.progress)
        core.setProgress((p) =>
          port.postMessage({ type: 'progress', seconds: p.time / 1e6 } satisfies WasmWorkerReply),
        );
      const inName = `/input${job.inputExt ? `.${job.inputExt}` : ''}`;
      const outName = `/output.${job.outputExt || 'bin'}`;
      core.FS.writeFile(inName, job.input);
      const args = job.args.map((a) => (a === '{input}' ? inName : a === '{output}' ? outName : a));
      const exitCode = job.tool === 'ffmpeg' ? core.exec('-hide_banner', ...args) : core.ffprobe(...args);
      let output: Uint8Array | undefined;
      if (job.tool === 'ffmpeg' && exitCode === 0) {
        try {
          output = core.FS.readFile(outName);
        } catch {
          // no output file: the caller reports it
        }
      }
      const reply: WasmWorkerReply = output
        ? { type: 'done', exitCode, stdout, log, output }
        : { type: 'done', exitCode, stdout, log };
      port.postMessage(reply, output ? [output.buffer as ArrayBuffer] : []);
    } catch (e) {
      port.postMessage({
        type: 'error',
        message: e instanceof Error ? e.message : String(e),
      } satisfies WasmWorkerReply);
    }
  })();
});
