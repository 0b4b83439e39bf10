import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMediaError } from './errors.ts';
import type { VideoTool } from './video-tool.ts';

/** Test clips a VideoTool contract run needs (made by the caller, e.g. with native ffmpeg). */
export interface VideoClips {
  /** H.264 yuv420p + AAC, 320×240, 2 s: remuxed. */
  h264: Uint8Array;
  /** HEVC yuv420p, 1280×720, no audio, 1 s: transcoded to 720 px short side. */
  hevc: Uint8Array;
  /** H.264 yuv444p 640×480 with AAC: transcoded because it is not 4:2:0. */
  h264yuv444: Uint8Array;
  /** `h264` with a 90° rotation in its display matrix (stored 320×240, shown 240×320). */
  rotated: Uint8Array;
  /** 1.5 s of black, then a test pattern, 4 s in all: the poster must not be black. */
  blackStart: Uint8Array;
}

const isPng = (b: Uint8Array) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;

/**
 * What every VideoTool must do. `meanLuma` decodes a PNG and returns its mean brightness
 * 0–255 (the test's own decoder, so the contract needs no image codec).
 */
export function runVideoToolContract(
  name: string,
  setup: () => VideoTool | Promise<VideoTool>,
  clips: () => Promise<VideoClips>,
  meanLuma: (png: Uint8Array) => Promise<number>,
): void {
  describe(`VideoTool contract: ${name}`, () => {
    let tool: VideoTool;
    let c: VideoClips;
    beforeAll(async () => {
      tool = await setup();
      await tool.start();
      c = await clips();
    });
    afterAll(async () => {
      await tool.stop();
    });

    it('probes codec, size, duration, frame rate and audio', async () => {
      const i = await tool.probe({ bytes: c.h264, name: 'a.mp4' });
      expect(i).toMatchObject({
        codec: 'h264',
        pixelFormat: 'yuv420p',
        width: 320,
        height: 240,
        rotation: 0,
        audioCodec: 'aac',
      });
      expect(i.durationS).toBeGreaterThan(1.9);
      expect(i.durationS).toBeLessThan(2.2);
      expect(i.frameRate).toBe(25);
      const h = await tool.probe({ bytes: c.hevc, name: 'h.mp4' });
      expect(h).toMatchObject({ codec: 'hevc', width: 1280, height: 720 });
      expect(h.audioCodec).toBeUndefined();
    });

    it('reports displayed size for rotated video', async () => {
      const i = await tool.probe({ bytes: c.rotated, name: 'r.mp4' });
      expect([i.width, i.height]).toEqual([240, 320]);
      expect([90, 270]).toContain(i.rotation);
    });

    it('remuxes H.264 4:2:0 without re-encoding, keeping rotation', async () => {
      const r = await tool.transcode({ bytes: c.rotated, name: 'r.mp4' });
      expect(r.action).toBe('remux');
      expect(r.info).toMatchObject({ codec: 'h264', width: 240, height: 320, audioCodec: 'aac' });
    });

    it('transcodes HEVC to H.264 720 px short side with progress reaching 1', async () => {
      const progress: number[] = [];
      const r = await tool.transcode(
        { bytes: c.hevc, name: 'h.mp4' },
        { onProgress: (f) => progress.push(f) },
      );
      expect(r.action).toBe('transcode');
      expect(r.info).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', width: 1280, height: 720 });
      expect(r.info.durationS).toBeCloseTo(1, 0);
      expect(progress.at(-1)).toBe(1);
      expect(
        progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= (progress[i - 1] as number))),
      ).toBe(true);
    });

    it('transcodes 4:4:4 H.264 to 4:2:0, never enlarging, audio kept as AAC', async () => {
      const r = await tool.transcode({ bytes: c.h264yuv444, name: 'x.mp4' });
      expect(r.action).toBe('transcode');
      expect(r.info).toMatchObject({
        codec: 'h264',
        pixelFormat: 'yuv420p',
        width: 640,
        height: 480,
        audioCodec: 'aac',
      });
    });

    it('picks a poster frame that is not the black lead-in', async () => {
      const png = await tool.posterFrame({ bytes: c.blackStart, name: 'b.mp4' });
      expect(isPng(png)).toBe(true);
      expect(await meanLuma(png)).toBeGreaterThan(40);
    });

    it('gives typed errors for empty, non-video and truncated input', async () => {
      await expect(tool.probe({ bytes: new Uint8Array(0), name: 'e.mp4' })).rejects.toSatisfy((e) =>
        isMediaError(e, 'MEDIA_EMPTY_FILE'),
      );
      await expect(
        tool.probe({ bytes: new TextEncoder().encode('not a video '.repeat(100)), name: 't.mp4' }),
      ).rejects.toSatisfy((e) => isMediaError(e));
      const cut = c.h264.subarray(0, Math.floor(c.h264.length / 3));
      const outcome = await tool.transcode({ bytes: cut, name: 'cut.mp4' }).then(
        () => 'result',
        (e: unknown) => (isMediaError(e) ? 'media-error' : e),
      );
      expect(['result', 'media-error']).toContain(outcome);
      await expect(tool.probe({ bytes: cut.subarray(0, 100), name: 'cut.mp4' })).rejects.toSatisfy((e) =>
        isMediaError(e),
      );
    });
  });
}
