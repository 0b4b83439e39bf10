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
  /**
   * `transcode`: the playback transcode instead of probe + poster. `abort`: a transcode aborted
   * at its first progress report, then a probe of the same clip (the runner goes on).
   */
  op?: 'probe-poster' | 'transcode' | 'abort';
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
  /** op `transcode`: what was done, the output's probe, the last progress reported. */
  transcode?: { action: string; info: VideoInfo; bytes: number; lastProgress: number };
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
      if (e.data.op === 'transcode') {
        let lastProgress = 0;
        const t = await tool.transcode(input, { onProgress: (f) => (lastProgress = f) });
        r.transcode = { action: t.action, info: t.info, bytes: t.bytes.byteLength, lastProgress };
        out.push(r);
        continue;
      }
      if (e.data.op === 'abort') {
        const stop = new AbortController();
        const job = tool.transcode(input, { signal: stop.signal, onProgress: (f) => f > 0 && stop.abort() });
        await job.catch((err: unknown) => {
          r.error = {
            ...(isMediaError(err) ? { code: err.code } : {}),
            message: err instanceof Error ? err.message : String(err),
          };
        });
        r.info = await tool.probe(input);
        out.push(r);
        continue;
      }
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
