/**
 * Worker thread for the wasm decoders (libheif, libjxl): a 12 MP HEIC takes over a second of
 * pure computation, which on the calling thread would stall the node's event loop (network,
 * HTTP, the catalog). Long-lived: the wasm modules are compiled once per worker.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { isMediaError } from './errors.ts';
import { decodeHeic, decodeJxl } from './wasm-decoders.ts';

/** A decode request. */
export interface WasmDecodeRequest {
  id: number;
  kind: 'heic' | 'jxl';
  bytes: Uint8Array;
  name: string;
  maxPixels: number;
}

/** Its answer: pixels (transferred), or the error's code and message. */
export type WasmDecodeReply =
  | { id: number; ok: true; width: number; height: number; data: Uint8Array }
  | { id: number; ok: false; code?: string; message: string };

const port = parentPort;
if (!port) throw new Error('wasm-decode.worker.ts must run as a worker thread');
const require = createRequire(import.meta.url);
const loadJxlWasm = async (): Promise<WebAssembly.Module> =>
  WebAssembly.compile(await readFile(require.resolve('@jsquash/jxl/codec/dec/jxl_dec.wasm')));

port.on('message', (req: WasmDecodeRequest) => {
  void (async () => {
    try {
      const img =
        req.kind === 'heic'
          ? await decodeHeic(req.bytes, req.name, req.maxPixels)
          : await decodeJxl(req.bytes, req.name, req.maxPixels, loadJxlWasm);
      const reply: WasmDecodeReply = { id: req.id, ok: true, ...img };
      port.postMessage(reply, [img.data.buffer as ArrayBuffer]);
    } catch (e) {
      const reply: WasmDecodeReply = {
        id: req.id,
        ok: false,
        ...(isMediaError(e) ? { code: e.code } : {}),
        // MediaError messages start with the file name; the pool adds it again.
        message: isMediaError(e) ? e.message.slice(req.name.length + 2) : String(e),
      };
      port.postMessage(reply);
    }
  })();
});
