/**
 * Worker side of the Chromium video parity test: the browser VideoTool (@ffmpeg/ffmpeg, whose
 * core runs in its own nested worker) probes each clip and makes its poster. The core's JS and
 * wasm come from node_modules through Vite's `?url` imports (ffmpeg-core-urls.browser.ts), as in
 * the PWA: no CDN.
 */
import { isMediaError } from '../../errors.ts';
import { bundledFfmpegCore } from '../../ffmpeg-core-urls.browser.ts';
import { createBrowserWasmVideoTool } from '../../platform.browser.ts';
import type { VideoInfo } from '../../video-tool.ts';

/** Which clips to run: names under the server's /clips/. */
export interface VideoParityRequest {
  clips: string[];
  /** The runner's keepLoadedMs (default: its own). */
  keepLoadedMs?: number;
}

/** What the browser made of one clip (the test compares it with native ffmpeg's). */
export interface VideoParityResult {
  clip: string;
  inWorker: boolean;
  info?: VideoInfo;
  /** The poster PNG, base64 (page.evaluate carries JSON). */
  poster?: string;
  probeMs?: number;
  posterMs?: number;
  error?: { code?: string; message: string };
}

const toBase64 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};

const scope = self as unknown as { onmessage: unknown; postMessage(m: unknown): void };
scope.onmessage = async (e: MessageEvent<VideoParityRequest>) => {
  const keep = e.data.keepLoadedMs;
  const tool = createBrowserWasmVideoTool({
    ...bundledFfmpegCore,
    ...(keep !== undefined ? { keepLoadedMs: keep } : {}),
  });
  await tool.start();
  const out: VideoParityResult[] = [];
  for (const clip of e.data.clips) {
    const r: VideoParityResult = { clip, inWorker: typeof window === 'undefined' };
    try {
      const bytes = new Uint8Array(await (await fetch(`/clips/${clip}`)).arrayBuffer());
      const input = { bytes, name: clip };
      let t = performance.now();
      r.info = await tool.probe(input);
      r.probeMs = Math.round(performance.now() - t);
      t = performance.now();
      r.poster = toBase64(await tool.posterFrame(input));
      r.posterMs = Math.round(performance.now() - t);
    } catch (err) {
      r.error = {
        ...(isMediaError(err) ? { code: err.code } : {}),
        message: err instanceof Error ? err.message : String(err),
      };
    }
    out.push(r);
  }
  await tool.stop();
  scope.postMessage(out);
};
