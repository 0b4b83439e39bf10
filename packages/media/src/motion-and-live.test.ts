import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractMetadata } from './extract-metadata.ts';
import { pairLivePhotos } from './live-photo.ts';
import type { MediaMetadata } from './media-metadata.ts';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';
import { splitMotionPhoto } from './motion-photo.ts';
import { fixturesDir, hasCommand } from './testing/fixtures.node.ts';
import { makeTestClip } from './testing/video-clips.node.ts';
import { fromBase64, PLAIN_JPEG_B64 } from './testing/samples.ts';

const samsung = join(fixturesDir(), 'immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic');
const hasFfmpeg = hasCommand('ffmpeg');
const dir = mkdtempSync(join(tmpdir(), 'hearth-motion-'));
const reader = createExiftoolReader();
afterAll(async () => {
  await reader.stop();
  rmSync(dir, { recursive: true, force: true });
});
const probe = (bytes: Uint8Array) => {
  const f = join(dir, `v${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(f, bytes);
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', f], {
      encoding: 'utf8',
    }),
  ) as { streams: { codec_type: string }[] };
};
const meta = (kind: 'image' | 'video', id: string | undefined, t: number) =>
  ({ kind, ...(id ? { livePhotoId: id } : {}), captureTime: { local: '', utcMs: t, source: 'x' } }) as Pick<
    MediaMetadata,
    'kind' | 'livePhotoId' | 'captureTime'
  >;

describe('motion photos', () => {
  it.skipIf(!existsSync(samsung) || !hasFfmpeg)(
    'splits the Samsung One UI 6 HEIC into still and a playable video (needs fixture + ffprobe)',
    async () => {
      const bytes = new Uint8Array(readFileSync(samsung));
      const m = await extractMetadata(reader, { path: samsung });
      const parts = splitMotionPhoto(bytes, m.motionPhoto);
      expect(parts?.vendor).toBe('samsung');
      expect(parts?.video.byteLength).toBe(m.motionPhoto?.videoSize);
      expect(probe(parts?.video ?? new Uint8Array()).streams.some((s) => s.codec_type === 'video')).toBe(
        true,
      );
      // Found from the bytes alone too (the browser has no exiftool).
      expect(splitMotionPhoto(bytes)?.video.byteLength).toBe(parts?.video.byteLength);
    },
  );

  it.skipIf(!hasFfmpeg)('splits Google (length from the end) and Samsung JPEG trailers', () => {
    const mp4 = makeTestClip(join(dir, 'clip.mp4'));
    const jpeg = fromBase64(PLAIN_JPEG_B64);
    const google = new Uint8Array([...jpeg, ...mp4]);
    const g = splitMotionPhoto(google, { vendor: 'google', videoLengthFromEnd: mp4.length });
    expect(g?.still).toEqual(jpeg);
    expect(g?.video).toEqual(mp4);
    const sam = new Uint8Array([...jpeg, ...new TextEncoder().encode('MotionPhoto_Data'), ...mp4]);
    const s = splitMotionPhoto(sam);
    expect(s?.vendor).toBe('samsung');
    expect(s?.still).toEqual(jpeg);
    expect(s?.video).toEqual(mp4);
  });

  it('finds nothing in an ordinary photo or with a lying hint', () => {
    const jpeg = fromBase64(PLAIN_JPEG_B64);
    expect(splitMotionPhoto(jpeg)).toBeUndefined();
    expect(splitMotionPhoto(jpeg, { vendor: 'google', videoLengthFromEnd: 100 })).toBeUndefined();
    expect(splitMotionPhoto(jpeg, { vendor: 'samsung', videoOffset: 10, videoSize: 1e9 })).toBeUndefined();
  });
});

describe('live photos', () => {
  it('pairs still and movie by ContentIdentifier, nearest in time, leaving the rest', () => {
    const r = pairLivePhotos([
      { key: 'a.heic', metadata: meta('image', 'ID-1', 1000) },
      { key: 'a.mov', metadata: meta('video', 'ID-1', 1200) },
      { key: 'b.heic', metadata: meta('image', 'ID-2', 5000) },
      { key: 'b-old.mov', metadata: meta('video', 'ID-2', 1) },
      { key: 'b.mov', metadata: meta('video', 'ID-2', 5100) },
      { key: 'plain.jpg', metadata: meta('image', undefined, 0) },
      { key: 'lonely.mov', metadata: meta('video', 'ID-3', 0) },
    ]);
    expect(r.pairs).toEqual([
      { still: 'a.heic', motion: 'a.mov', contentId: 'ID-1' },
      { still: 'b.heic', motion: 'b.mov', contentId: 'ID-2' },
    ]);
    expect(r.unpaired.sort()).toEqual(['b-old.mov', 'lonely.mov', 'plain.jpg']);
  });

  it.skipIf(!hasFfmpeg || !hasCommand('exiftool'))(
    'reads the ContentIdentifier of a QuickTime movie (needs ffmpeg + exiftool)',
    async () => {
      const mov = join(dir, 'live.mov');
      makeTestClip(mov);
      execFileSync('exiftool', [
        '-q',
        '-overwrite_original',
        '-Keys:ContentIdentifier=1F2E3D4C-0000-4000-8000-ABCDEF012345',
        mov,
      ]);
      const m = await extractMetadata(reader, { path: mov });
      expect(m.kind).toBe('video');
      expect(m.livePhotoId).toBe('1F2E3D4C-0000-4000-8000-ABCDEF012345');
    },
  );
});
