/**
 * Page side of the Chromium video parity test (src/video-browser-parity.test.ts): runs the
 * ffmpeg.wasm VideoTool in a Web Worker, as the PWA's import worker does, and hands the
 * results to the test.
 */
import type { VideoParityRequest, VideoParityResult } from './harness-worker.browser.ts';

declare global {
  interface Window {
    /** Set once the page has loaded; the test calls it with clip names under /clips/. */
    hearthVideoParity?: (req: VideoParityRequest) => Promise<VideoParityResult[]>;
  }
}

window.hearthVideoParity = (req) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./harness-worker.browser.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<VideoParityResult[]>) => (worker.terminate(), resolve(e.data));
    worker.onerror = (e) => (worker.terminate(), reject(new Error(e.message)));
    worker.postMessage(req);
  });
