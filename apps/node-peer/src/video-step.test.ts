import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AssetId, BlobHash } from '@hearth/sync';
import type { AssetRecord } from './asset-record.ts';
import { createVideoStep } from './video-step.ts';

// Native ffmpeg only makes the input clip; the step under test runs ffmpeg.wasm.
const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'hearth-video-step-'));

function asset(fileName: string): AssetRecord {
  return {
    id: fileName as AssetId,
    original: fileName as BlobHash,
    type: 'video',
    mime: 'video/mp4',
    fileName,
    size: 0,
    importedAt: 0,
  };
}

describe.skipIf(!hasFfmpeg)('video step on the ffmpeg.wasm backend (needs ffmpeg to make the clip)', () => {
  const video = createVideoStep({ backend: 'wasm' });
  afterAll(async () => (await video).stop());
  const ctx = (p: string) => ({ originalPath: p, signal: new AbortController().signal });

  it('remuxes an H.264 clip and renders the poster into thumbnail and preview', async () => {
    const clip = join(dir, 'h264.mp4');
    execFileSync('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=1',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', clip,
    ]); // prettier-ignore
    const { step } = await video;
    expect(step.appliesTo(asset('h264.mp4'))).toBe(true);
    expect(step.appliesTo({ ...asset('x.jpg'), type: 'photo' })).toBe(false);
    const out = await step.run(asset('h264.mp4'), ctx(clip));
    expect(out.values).toMatchObject({ playback: 'remux', playbackCodec: 'h264', width: 160, height: 120 });
    expect(String(out.values?.['tool'])).toMatch(/wasm/);
    // WebP and JPEG magic numbers; the playback file is an MP4 (ftyp box).
    expect(
      Buffer.from(out.blobs['thumbnail'] ?? [])
        .subarray(8, 12)
        .toString(),
    ).toBe('WEBP');
    expect([...(out.blobs['preview'] ?? new Uint8Array()).subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(
      Buffer.from(out.blobs['playback'] ?? [])
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
  }, 60_000);

  it('a file ffmpeg cannot read is a STEP_FAILED verdict naming the file', async () => {
    const bad = join(dir, 'broken.mp4');
    const whole = readFileSync(join(dir, 'h264.mp4'));
    writeFileSync(bad, whole.subarray(0, 64));
    const { step } = await video;
    await expect(step.run(asset('broken.mp4'), ctx(bad))).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringMatching(/video of broken\.mp4 failed/) as unknown,
    });
  }, 60_000);

  it('the loop aborting its signal (shutdown) stops the work with MEDIA_ABORTED, not a failure verdict', async () => {
    const { step } = await video;
    const ac = new AbortController();
    const running = step.run(asset('h264.mp4'), { originalPath: join(dir, 'h264.mp4'), signal: ac.signal });
    ac.abort();
    await expect(running).rejects.toMatchObject({ code: 'MEDIA_ABORTED' });
  }, 60_000);
});
