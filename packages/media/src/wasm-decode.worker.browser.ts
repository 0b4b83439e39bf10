/**
 * Web Worker for the wasm decoders when the canvas codec is called on a page's main thread: a
 * 12 MP HEIC is over a second of computation that would otherwise freeze the page.
 */
import { isMediaError } from './errors.ts';
import { decodeHeic, decodeJxl } from './wasm-decoders.ts';

/** A decode request from the page. */
export interface BrowserDecodeRequest {
  kind: 'heic' | 'jxl';
  bytes: Uint8Array;
  name: string;
  maxPixels: number;
  /** Where libjxl's wasm is (the worker compiles it itself). */
  jxlWasmUrl?: string;
}

/** Pixels (transferred), or the error's code and message. */
export type BrowserDecodeReply =
  | { ok: true; width: number; height: number; data: Uint8Array }
  | { ok: false; code?: string; message: string };

self.onmessage = async (e: MessageEvent<BrowserDecodeRequest>) => {
  const r = e.data;
  try {
    const url = r.jxlWasmUrl;
    const img =
      r.kind === 'heic'
        ? await decodeHeic(r.bytes, r.name, r.maxPixels)
        : await decodeJxl(
            r.bytes,
            r.name,
            r.maxPixels,
            url ? async () => WebAssembly.compile(await (await fetch(url)).arrayBuffer()) : undefined,
          );
    const reply: BrowserDecodeReply = { ok: true, ...img };
    self.postMessage(reply, { transfer: [img.data.buffer as ArrayBuffer] });
  } catch (err) {
    const reply: BrowserDecodeReply = {
      ok: false,
      ...(isMediaError(err) ? { code: err.code } : {}),
      message: isMediaError(err) ? err.message.slice(r.name.length + 2) : String(err),
    };
    self.postMessage(reply);
  }
};
