import { execFileSync } from 'node:child_process';
import { createNativeFfmpegRunner, type NativeFfmpegOptions } from './ffmpeg-runner.native.ts';
import { createFfmpegVideoTool, type FfmpegVideoToolOptions } from './ffmpeg-video-tool.ts';
import type { VideoTool } from './video-tool.ts';

/** VideoTool on the native `ffmpeg`/`ffprobe` found on PATH. */
export function createNativeVideoTool(opts: NativeFfmpegOptions & FfmpegVideoToolOptions = {}): VideoTool {
  return createFfmpegVideoTool(createNativeFfmpegRunner(opts), opts);
}

/** Whether native ffmpeg and ffprobe can be run. */
export function hasNativeFfmpeg(opts: NativeFfmpegOptions = {}): boolean {
  try {
    execFileSync(opts.ffmpegPath ?? 'ffmpeg', ['-version'], { stdio: 'ignore' });
    execFileSync(opts.ffprobePath ?? 'ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
