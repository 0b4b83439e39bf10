import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { VideoClips } from '../video-tool.contract.ts';

/**
 * Writes a 1 s 160×120 H.264 test pattern (lavfi `testsrc`, no audio) to `path` with native
 * ffmpeg, the container by its extension (.mp4, .mov), and returns its bytes.
 */
export function makeTestClip(path: string): Uint8Array {
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', path],
  ]);
  return new Uint8Array(readFileSync(path));
}

/** Make the contract's clips with native ffmpeg (lavfi test sources; small and quick). */
export function makeVideoClips(): VideoClips {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-clips-'));
  const ff = (out: string, ...args: string[]) => {
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, join(dir, out)]);
    return new Uint8Array(readFileSync(join(dir, out)));
  };
  const src = (size: string, t: number) => [
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${size}:rate=25`,
    '-t',
    String(t),
  ];
  const tone = (t: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${t}`];
  try {
    const h264 = ff(
      'h264.mp4',
      ...src('320x240', 2),
      ...tone(2),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
    );
    const hevc = ff(
      'hevc.mp4',
      ...src('1280x720', 1),
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      'log-level=error',
      '-pix_fmt',
      'yuv420p',
      '-tag:v',
      'hvc1',
    );
    const h264yuv444 = ff(
      '444.mp4',
      ...src('640x480', 1),
      ...tone(1),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv444p',
      '-c:a',
      'aac',
      '-shortest',
    );
    const rotated = ff('rot.mp4', '-i', join(dir, 'h264.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90');
    const blackStart = ff(
      'black.mp4',
      '-f',
      'lavfi',
      '-i',
      'color=c=black:size=320x240:rate=25:duration=1.5',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=25:duration=2.5',
      '-filter_complex',
      '[0:v][1:v]concat=n=2:v=1[v]',
      '-map',
      '[v]',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
    );
    return { h264, hevc, h264yuv444, rotated, blackStart };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean brightness of an image (0–255), with sharp. */
export async function meanLuma(png: Uint8Array): Promise<number> {
  const { channels } = await sharp(png).greyscale().stats();
  return channels[0]?.mean ?? 0;
}
