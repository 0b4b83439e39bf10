/**
 * Generated benchmark material (kept out of git): camera-like 12–24 MP JPEGs upscaled from
 * the fixture albums, HEVC HEICs made with Debian's heif-enc, and long HEVC clips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { fixturesDir, hasCommand } from './fixtures.node.ts';

const SIZES: [number, number][] = [
  [4000, 3000], // 12 MP
  [5184, 3456], // 18 MP
  [6000, 4000], // 24 MP
];

/** `count` JPEGs (and up to `heicCount` HEICs when heif-enc exists) in `dir`; reused if present. */
export async function makePhotoCorpus(
  dir: string,
  count: number,
  heicCount = 0,
): Promise<{ jpegs: string[]; heics: string[] }> {
  mkdirSync(dir, { recursive: true });
  const nature = join(fixturesDir(), 'immich-test-assets/albums/nature');
  const sources = existsSync(nature)
    ? readdirSync(nature)
        .filter((f) => f.endsWith('.jpg'))
        .map((f) => join(nature, f))
    : [];
  if (!sources.length) throw new Error(`no source photos in ${nature}; set HEARTH_FIXTURES_DIR`);
  const jpegs: string[] = [];
  for (let i = 0; i < count; i++) {
    const out = join(dir, `photo-${i}.jpg`);
    const [w, h] = SIZES[i % SIZES.length] as [number, number];
    if (!existsSync(out)) {
      await sharp(sources[i % sources.length] as string)
        .resize(w, h, { fit: 'cover' })
        .withExif({
          IFD0: {
            Make: 'HearthBench',
            Model: `Cam ${i % 3}`,
            DateTime: `2024:0${1 + (i % 9)}:1${i % 10} 12:00:00`,
            // Source, size and date repeat every 90 photos: this keeps every file distinct
            // (an import dedupes by content hash).
            ImageDescription: `hearth bench photo ${i}`,
          },
        })
        .jpeg({ quality: 92, chromaSubsampling: '4:2:0' })
        .toFile(out);
    }
    jpegs.push(out);
  }
  const heics: string[] = [];
  if (heicCount > 0 && hasCommand('heif-enc')) {
    for (let i = 0; i < heicCount; i++) {
      const out = join(dir, `photo-${i}.heic`);
      if (!existsSync(out))
        execFileSync('heif-enc', ['-q', '80', '-o', out, jpegs[i % jpegs.length] as string], {
          stdio: 'ignore',
        });
      heics.push(out);
    }
  }
  return { jpegs, heics };
}

/** A `seconds`-long 1080p HEVC clip with AAC audio (native ffmpeg). */
export function makeHevcClip(dir: string, seconds: number): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `hevc-1080p-${seconds}s.mp4`);
  if (!existsSync(out)) {
    execFileSync('nice', [
      'ffmpeg',
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=1920x1080:rate=30:duration=${seconds}`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=300:duration=${seconds}`,
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
      '-c:a',
      'aac',
      '-shortest',
      out,
    ]);
  }
  return out;
}
