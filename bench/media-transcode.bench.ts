/**
 * media-transcode: a 1080p HEVC clip (default 60 s) to the playback profile (H.264 720p CRF 23
 * AAC) through the native VideoTool, beside the bare `ffmpeg` command with the same arguments
 * (native_ratio = bare time ÷ native path time, goal ≥ 0.95), and through ffmpeg.wasm
 * (wasm_ratio = native time ÷ wasm time).
 *   npm run bench -- media-transcode [seconds=60] [runs=3] [wasm=1]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playbackArgs, INPUT, OUTPUT } from '@hearth/media';
import { makeHevcClip } from '@hearth/media/bench';
import { createNativeVideoTool, createWasmVideoTool, hasNativeFfmpeg } from '@hearth/media/platform';
import { median, report } from './report.ts';

const [seconds = 60, runs = 3, wasm = 1] = process.argv.slice(2).map(Number);
if (!hasNativeFfmpeg()) {
  console.error('media-transcode needs native ffmpeg on PATH (apt-get install ffmpeg)');
  process.exit(2);
}
const clip = makeHevcClip(join(process.env['HEARTH_BENCH_DIR'] ?? tmpdir(), 'hearth-bench-video'), seconds);
const native = createNativeVideoTool();
const info = await native.probe({ path: clip });
const { args } = playbackArgs(info);
const out = mkdtempSync(join(tmpdir(), 'hearth-bench-out-'));
const time = async (fn: () => unknown) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};
const bare: number[] = [];
const ours: number[] = [];
for (let r = 0; r < runs; r++) {
  const argv = [
    '-nostdin',
    '-y',
    '-hide_banner',
    '-loglevel',
    'error',
    ...args.map((a) => (a === INPUT ? clip : a === OUTPUT ? join(out, 'bare.mp4') : a)),
  ];
  bare.push(await time(() => execFileSync('ffmpeg', argv)));
  ours.push(await time(() => native.transcode({ path: clip }, { onProgress: () => {} })));
}
const b = median(bare);
const n = median(ours);
report({
  bench: 'media-transcode',
  metric: 'native_s',
  value: n,
  unit: 's',
  anchor: { name: 'bare_ffmpeg_s', value: b },
  ratio: b / n,
});
report({
  bench: 'media-transcode',
  metric: 'native_ratio',
  value: b / n,
  unit: 'x',
  anchor: { name: 'bare_ffmpeg_s', value: b },
  ratio: b / n,
});
if (wasm) {
  const w = await time(() =>
    createWasmVideoTool({ transcodeTimeoutPerSecondMs: 600_000 }).transcode({ path: clip }),
  );
  report({
    bench: 'media-transcode',
    metric: 'wasm_s',
    value: w,
    unit: 's',
    anchor: { name: 'native_s', value: n },
    ratio: n / w,
  });
  report({
    bench: 'media-transcode',
    metric: 'wasm_ratio',
    value: n / w,
    unit: 'x',
    anchor: { name: 'native_s', value: n },
    ratio: n / w,
  });
}
rmSync(out, { recursive: true, force: true });
