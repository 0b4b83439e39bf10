/**
 * URLs of the ffmpeg.wasm core (@ffmpeg/core's JS and ~31 MB wasm) as bundled by Vite from
 * node_modules: the app serves them itself, no CDN. Importing this only emits the files; they
 * are fetched when a VideoTool first runs a job (so an app can keep them out of its service
 * worker's precache and load them on the first video).
 */
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import type { BrowserFfmpegOptions } from './video-tool.ffmpeg-wasm.ts';

/** Pass to createBrowserWasmVideoTool / createBrowserWasmFfmpegRunner. */
export const bundledFfmpegCore: BrowserFfmpegOptions = { coreURL, wasmURL };
