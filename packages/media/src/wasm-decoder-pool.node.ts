import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MediaError, type MediaErrorCode } from './errors.ts';
import type { RgbaImage } from './rgba-image.ts';
import type { WasmDecodeReply, WasmDecodeRequest } from './wasm-decode.worker.ts';

/** Options for {@link createWasmDecoderPool}. */
export interface WasmDecoderPoolOptions {
  /** Worker threads (default: cores, at most 2; each holds its own wasm heap). */
  size?: number;
  /** A decode running longer is stopped by ending its worker (MEDIA_TIMEOUT). */
  timeoutMs?: number;
}

/** HEIC / JPEG XL decoding in worker threads. */
export interface WasmDecoderPool {
  decode(kind: 'heic' | 'jxl', bytes: Uint8Array, name: string, maxPixels: number): Promise<RgbaImage>;
  /** End the workers (pending decodes fail with MEDIA_TOOL_FAILED). */
  stop(): Promise<void>;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (i: RgbaImage) => void; reject: (e: unknown) => void; name: string }>;
}

/**
 * A small pool of long-lived worker threads running the wasm decoders, so the caller's event
 * loop stays free during the ~1.4 s a 12 MP HEIC takes. Workers start on first use, are
 * unref'd while idle (they never keep a process alive), and one that crashes or times out is
 * replaced on the next decode.
 */
export function createWasmDecoderPool(opts: WasmDecoderPoolOptions = {}): WasmDecoderPool {
  const size = Math.max(1, opts.size ?? Math.min(2, availableParallelism()));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const slots: (Slot | undefined)[] = Array.from({ length: size }, () => undefined);
  let nextId = 1;

  const fail = (i: number, slot: Slot, err: (name: string) => MediaError) => {
    if (slots[i] === slot) slots[i] = undefined;
    for (const p of slot.pending.values()) p.reject(err(p.name));
    slot.pending.clear();
    void slot.worker.terminate();
  };

  const spawn = (i: number): Slot => {
    const worker = new Worker(new URL('./wasm-decode.worker.ts', import.meta.url));
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (m: WasmDecodeReply) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (!slot.pending.size) worker.unref();
      if (m.ok) p.resolve({ width: m.width, height: m.height, data: m.data });
      else p.reject(new MediaError((m.code as MediaErrorCode) ?? 'MEDIA_CORRUPT_FILE', p.name, m.message));
    });
    const crashed = (why: string) =>
      fail(
        i,
        slot,
        (name) =>
          new MediaError('MEDIA_TOOL_FAILED', name, `the decoder worker ${why}; the original is kept`),
      );
    worker.on('error', (e) => crashed(`crashed (${e.message})`));
    worker.on('exit', (code) => crashed(`exited (${code})`));
    return slot;
  };

  return {
    decode(kind, bytes, name, maxPixels) {
      // The least busy worker, started if needed.
      let best = 0;
      for (let i = 1; i < size; i++)
        if ((slots[i]?.pending.size ?? 0) < (slots[best]?.pending.size ?? 0)) best = i;
      const slot = (slots[best] ??= spawn(best));
      const id = nextId++;
      return new Promise<RgbaImage>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            fail(best, slot, (n) =>
              n === name
                ? new MediaError(
                    'MEDIA_TIMEOUT',
                    n,
                    `decoding took over ${timeoutMs} ms and was stopped; the original is kept`,
                  )
                : new MediaError('MEDIA_TOOL_FAILED', n, 'the decoder worker was restarted; try again'),
            ),
          timeoutMs,
        );
        timer.unref();
        slot.pending.set(id, {
          resolve: (img) => (clearTimeout(timer), resolve(img)),
          reject: (e) => (clearTimeout(timer), reject(e)),
          name,
        });
        slot.worker.ref();
        // Copied, not transferred: the caller's bytes stay theirs.
        const req: WasmDecodeRequest = { id, kind, bytes, name, maxPixels };
        slot.worker.postMessage(req);
      });
    },
    async stop() {
      await Promise.all(
        slots.map(async (s, i) => {
          if (!s) return;
          slots[i] = undefined;
          s.worker.removeAllListeners('exit');
          for (const p of s.pending.values())
            p.reject(new MediaError('MEDIA_TOOL_FAILED', p.name, 'the codec was stopped'));
          s.pending.clear();
          await s.worker.terminate();
        }),
      );
    },
  };
}
