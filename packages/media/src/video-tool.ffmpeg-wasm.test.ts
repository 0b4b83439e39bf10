import { describe, expect, it } from 'vitest';
import { makeVideoClips, meanLuma } from './testing/video-clips.node.ts';
import { runVideoToolContract } from './video-tool.contract.ts';
import { createNativeVideoTool, hasNativeFfmpeg } from './video-tool.ffmpeg.ts';
import { createWasmVideoTool } from './video-tool.ffmpeg-wasm.node.ts';

// ffmpeg.wasm itself needs nothing installed; native ffmpeg only makes the test clips.
describe.skipIf(!hasNativeFfmpeg())(
  'ffmpeg.wasm (skipped when native ffmpeg, which makes the test clips, is not on PATH)',
  () => {
    runVideoToolContract(
      'ffmpeg-wasm (worker threads)',
      () => createWasmVideoTool(),
      async () => makeVideoClips(),
      meanLuma,
    );
  },
);

describe.skipIf(!hasNativeFfmpeg())(
  'native and wasm give the same playback file (needs native ffmpeg for the clip)',
  () => {
    it('same decision, codec, size, pixel format and duration for an HEVC clip', async () => {
      const { hevc, h264yuv444 } = makeVideoClips();
      for (const clip of [hevc, h264yuv444]) {
        const a = await createNativeVideoTool().transcode({ bytes: clip, name: 'c.mp4' });
        const b = await createWasmVideoTool().transcode({ bytes: clip, name: 'c.mp4' });
        expect(b.action).toBe(a.action);
        expect({ ...b.info, durationS: 0 }).toEqual({ ...a.info, durationS: 0 });
        expect(b.info.durationS).toBeCloseTo(a.info.durationS, 1);
      }
    });
  },
);
