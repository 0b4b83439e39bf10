import { describe } from 'vitest';
import { makeVideoClips, meanLuma } from './testing/video-clips.node.ts';
import { runVideoToolContract } from './video-tool.contract.ts';
import { createNativeVideoTool, hasNativeFfmpeg } from './video-tool.ffmpeg.ts';

describe.skipIf(!hasNativeFfmpeg())(
  'native ffmpeg (skipped when ffmpeg/ffprobe are not on PATH: apt-get install ffmpeg)',
  () => {
    runVideoToolContract(
      'ffmpeg-native',
      () => createNativeVideoTool(),
      async () => makeVideoClips(),
      meanLuma,
    );
  },
);
