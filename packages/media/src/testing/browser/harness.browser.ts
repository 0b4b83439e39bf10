/**
 * Page side of the Chromium parity test (src/browser-parity.test.ts): runs the browser media
 * backends in a Web Worker, as the PWA does, and hands the results to the test.
 */
import type { ParityRequest, ParityResult } from './harness-worker.browser.ts';

declare global {
  interface Window {
    /** Set once the page has loaded; the test calls it with fixture names. */
    hearthMediaParity?: (req: ParityRequest) => Promise<ParityResult[]>;
  }
}

window.hearthMediaParity = (req) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./harness-worker.browser.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<ParityResult[]>) => (worker.terminate(), resolve(e.data));
    worker.onerror = (e) => (worker.terminate(), reject(new Error(e.message)));
    worker.postMessage(req);
  });
