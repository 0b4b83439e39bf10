/**
 * Page side of the Chromium parity test (src/browser-parity.test.ts): runs the browser media
 * backends in a Web Worker, as the PWA does, and hands the results to the test.
 */
import { makeDerivatives } from '../../make-derivatives.ts';
import { createCanvasCodec } from '../../platform.browser.ts';
import type { ParityRequest, ParityResult } from './harness-worker.browser.ts';

/** A render on the page's main thread, and how often its event loop turned meanwhile. */
export interface MainThreadResult {
  file: string;
  width?: number;
  height?: number;
  decoder?: string;
  thumbhash?: string;
  ticks: number;
  error?: string;
}

declare global {
  interface Window {
    /** Set once the page has loaded; the test calls it with fixture names. */
    hearthMediaParity?: (req: ParityRequest) => Promise<ParityResult[]>;
    /** The canvas codec called on the main thread (HEIC / JPEG XL then decode in a worker). */
    hearthMediaMainThread?: (file: string) => Promise<MainThreadResult>;
  }
}

window.hearthMediaParity = (req) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./harness-worker.browser.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<ParityResult[]>) => (worker.terminate(), resolve(e.data));
    worker.onerror = (e) => (worker.terminate(), reject(new Error(e.message)));
    worker.postMessage(req);
  });

window.hearthMediaMainThread = async (file) => {
  const codec = createCanvasCodec({ jxlWasmUrl: '/wasm/jxl_dec.wasm' });
  const bytes = new Uint8Array(await (await fetch(`/fixtures/${file}`)).arrayBuffer());
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks++;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  try {
    const d = await makeDerivatives(codec, { bytes, name: file.split('/').pop() ?? file });
    return { file, width: d.width, height: d.height, decoder: d.decoder, thumbhash: d.thumbhash, ticks };
  } catch (e) {
    return { file, ticks, error: String(e) };
  } finally {
    running = false;
  }
};
