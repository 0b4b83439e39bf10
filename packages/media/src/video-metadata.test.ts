import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractMetadata } from './extract-metadata.ts';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';
import { hasCommand } from './testing/fixtures.node.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-vmeta-'));
const reader = createExiftoolReader();
afterAll(async () => {
  await reader.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasCommand('ffmpeg'))(
  'video metadata via exiftool (clips made with native ffmpeg; skipped without it)',
  () => {
    it('for a rotated H.264 and an HEVC clip', async () => {
      const h264 = join(dir, 'a.mp4');
      const rot = join(dir, 'rot.mp4');
      const hevc = join(dir, 'h.mov');
      const src = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '2'];
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        ...src,
        '-c:v',
        'libx264',
        '-pix_fmt',
        'yuv420p',
        '-metadata',
        'creation_time=2023-04-05T06:07:08Z',
        h264,
      ]);
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-i',
        h264,
        '-c',
        'copy',
        '-metadata:s:v:0',
        'rotate=90',
        rot,
      ]);
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        ...src,
        '-c:v',
        'libx265',
        '-x265-params',
        'log-level=error',
        '-tag:v',
        'hvc1',
        hevc,
      ]);
      const a = await extractMetadata(reader, { path: h264 });
      expect(a).toMatchObject({ kind: 'video', mime: 'video/mp4', width: 320, height: 240 });
      expect(a.video).toMatchObject({ codec: 'h264', frameRate: 25 });
      expect(a.video?.durationS).toBeCloseTo(2, 1);
      // QuickTime dates are UTC: no offset known, so the local time is shown as UTC.
      expect(a.captureTime).toMatchObject({
        utcMs: Date.UTC(2023, 3, 5, 6, 7, 8),
        offsetMinutes: 0,
        offsetSource: 'utc',
      });
      const r = await extractMetadata(reader, { path: rot });
      expect([90, 270]).toContain(r.video?.rotation);
      expect([r.width, r.height]).toEqual([240, 320]);
      const h = await extractMetadata(reader, { path: hevc });
      expect(h).toMatchObject({ kind: 'video', mime: 'video/quicktime' });
      expect(h.video?.codec).toBe('hevc');
    });
  },
);
