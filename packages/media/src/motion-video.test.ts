import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleVideoLength, splitMotionPhoto } from './motion-photo.ts';
import { MOTION_PIPELINE_VERSION, motionVideo } from './motion-video.ts';
import { fixturesDir, hasCommand } from './testing/fixtures.node.ts';
import { concatBytes } from './testing/bytes.ts';
import { makeTestClip } from './testing/video-clips.node.ts';
import { fromBase64, PLAIN_JPEG_B64 } from './testing/samples.ts';
import { createNativeVideoTool } from './video-tool.ffmpeg.ts';

const samsung = join(fixturesDir(), 'immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic');
const hasFfmpeg = hasCommand('ffmpeg') && hasCommand('ffprobe');
const dir = mkdtempSync(join(tmpdir(), 'hearth-motion-video-'));
const jpeg = fromBase64(PLAIN_JPEG_B64);
const enc = (s: string) => new TextEncoder().encode(s);
const concat = concatBytes;

/** A JPEG whose APP1 segment carries `xmp` (as Google cameras write it), then `tail`. */
function withXmp(xmp: string, tail: Uint8Array): Uint8Array {
  const payload = enc(`http://ns.adobe.com/xap/1.0/\0${xmp}`);
  const app1 = new Uint8Array([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255]);
  return concat(jpeg.subarray(0, 2), app1, payload, jpeg.subarray(2), tail);
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An MP4 `ftyp` box: what every embedded video must start with. */
const mp4Head = concat(new Uint8Array([0, 0, 0, 16]), enc('ftypisom'), new Uint8Array(4));

describe('motion photo video from bytes alone (what the browser has)', () => {
  it('reads the length from Google XMP: Container directory and the older MicroVideoOffset', () => {
    const video = concat(mp4Head, new Uint8Array(100));
    const container = withXmp(
      `<Container:Directory><rdf:Seq><rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Semantic="Primary" Item:Length="0"/></rdf:li>` +
        `<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="video/mp4" Item:Semantic="MotionPhoto" Item:Length="${video.length}"/></rdf:li></rdf:Seq></Container:Directory>`,
      video,
    );
    expect(googleVideoLength(container)).toBe(video.length);
    const parts = splitMotionPhoto(container);
    expect(parts?.vendor).toBe('google');
    expect(parts?.video).toEqual(video);
    expect(parts?.still.length).toBe(container.length - video.length);

    const micro = withXmp(`<x GCamera:MicroVideo="1" GCamera:MicroVideoOffset="${video.length}"/>`, video);
    expect(splitMotionPhoto(micro)?.video).toEqual(video);
    // A length that does not land on an MP4 start is no video.
    const lying = withXmp(`<x GCamera:MicroVideoOffset="${video.length + 3}"/>`, video);
    expect(splitMotionPhoto(lying)).toBeUndefined();
  });

  it('a photo without any motion part is none, quickly', () => {
    expect(splitMotionPhoto(jpeg)).toBeUndefined();
    // 20 MB of JPEG-like bytes with many marker first bytes ('M') and no trailer.
    const big = new Uint8Array(20 << 20).fill(0x4d);
    big.set(jpeg.subarray(0, 4));
    expect(splitMotionPhoto(big)).toBeUndefined();
  });
});

describe.skipIf(!hasFfmpeg)('motionVideo (native ffmpeg)', () => {
  const tool = createNativeVideoTool();
  beforeAll(() => tool.start());
  afterAll(() => tool.stop());

  it.skipIf(!existsSync(samsung))(
    "Samsung's HEVC part of the real One UI 6 HEIC becomes an H.264 MP4 that ffprobe reads",
    async () => {
      const m = await motionVideo(tool, new Uint8Array(readFileSync(samsung)), { name: 'samsung.heic' });
      expect(m?.vendor).toBe('samsung');
      expect(m?.embeddedBytes).toBe(3226469);
      expect(m?.playback.action).toBe('transcode');
      expect(m?.playback.info).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', audioCodec: 'aac' });
      expect(m?.playback.info.durationS).toBeCloseTo(3.1, 1);
      const f = join(dir, 'samsung.mp4');
      writeFileSync(f, m?.playback.bytes ?? new Uint8Array());
      const probe = execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', f],
        {
          encoding: 'utf8',
        },
      );
      expect(probe.trim().split('\n').sort()).toEqual(['aac', 'h264']);
      expect(MOTION_PIPELINE_VERSION).toBeGreaterThan(0);
    },
    60_000,
  );

  it('an H.264 part is remuxed, not re-encoded', async () => {
    const photo = concat(jpeg, enc('MotionPhoto_Data'), makeTestClip(join(dir, 'h264.mp4')));
    const m = await motionVideo(tool, photo, { name: 'sam.jpg' });
    expect(m?.playback.action).toBe('remux');
    expect(m?.playback.info).toMatchObject({ codec: 'h264', width: 160, height: 120 });
  }, 60_000);

  it('a malformed embedded video is MEDIA_MOTION_VIDEO_INVALID naming the photo; no part at all is undefined', async () => {
    const junk = concat(jpeg, enc('MotionPhoto_Data'), mp4Head, new Uint8Array(5000).fill(7));
    await expect(motionVideo(tool, junk, { name: 'broken.jpg' })).rejects.toMatchObject({
      code: 'MEDIA_MOTION_VIDEO_INVALID',
      message: expect.stringMatching(/^broken\.jpg: .*the still is kept/) as unknown,
    });
    // The tags say motion photo but the bytes hold none.
    await expect(
      motionVideo(tool, jpeg, { name: 'cut.jpg', hint: { vendor: 'google' } }),
    ).rejects.toMatchObject({
      code: 'MEDIA_MOTION_VIDEO_INVALID',
    });
    expect(await motionVideo(tool, jpeg, { name: 'plain.jpg' })).toBeUndefined();
  }, 60_000);
});
