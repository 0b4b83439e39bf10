import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, hasFixtures, runCli } from '@hearth/node-peer/testing';
import { testDir } from './support/test-cleanup.ts';

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['-ver'], { stdio: 'ignore' });
    return true;
  } catch {
    try {
      execFileSync(cmd, ['-version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
}
const tools = has('exiftool') && has('ffmpeg');

// exiftool cannot write Apple's MakerNotes ContentIdentifier into a JPEG, but it reads an XMP
// property of that name the same way (exiftool -json names it `ContentIdentifier`), which is
// what the media package's reader sees on a real iPhone still.
const XMP_CONFIG = `%Image::ExifTool::UserDefined = (
  'Image::ExifTool::XMP::Main' => { hearthtest => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::hearthtest' } } },
);
%Image::ExifTool::UserDefined::hearthtest = (
  GROUPS => { 0 => 'XMP', 1 => 'XMP-hearthtest', 2 => 'Image' },
  NAMESPACE => { 'hearthtest' => 'http://ns.example.org/hearthtest/1.0/' },
  WRITABLE => 'string',
  ContentIdentifier => { },
);
1;
`;

interface Row {
  id: string;
  fileName: string;
  livePhotoVideo?: string;
  livePhotoOf?: string;
}

describe.skipIf(!hasFixtures || !tools)('Live Photos (separate processes, exiftool + ffmpeg)', () => {
  it('pairs still and movie by ContentIdentifier, whatever their names; same names with different ids stay apart', async () => {
    const base = testDir('live');
    const src = join(base, 'in');
    mkdirSync(src);
    const nature = join(fixturesDir(), 'immich-test-assets/albums/nature');
    const jpgs = readdirSync(nature).filter((f) => f.endsWith('.jpg'));
    const cfg = join(base, 'exiftool.cfg');
    writeFileSync(cfg, XMP_CONFIG);
    const still = (name: string, i: number, cid?: string) => {
      const p = join(src, name);
      copyFileSync(join(nature, jpgs[i] as string), p);
      if (cid)
        execFileSync('exiftool', [
          '-config',
          cfg,
          '-q',
          '-overwrite_original',
          `-XMP-hearthtest:ContentIdentifier=${cid}`,
          p,
        ]);
    };
    const movie = (name: string, seconds: number, cid?: string) => {
      const p = join(src, name);
      execFileSync('ffmpeg', [
        ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=160x120:rate=10`, '-t', String(seconds)],
        ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', p],
      ]);
      if (cid) execFileSync('exiftool', ['-q', '-overwrite_original', `-Keys:ContentIdentifier=${cid}`, p]);
    };
    // A pair by ContentIdentifier with unrelated names (as after an export that renamed them).
    still('IMG_0001.jpg', 0, 'AAAA-0001');
    movie('clip-from-phone.mov', 1, 'AAAA-0001');
    // Same stem, different ids: not a Live Photo.
    still('IMG_0002.jpg', 1, 'BBBB-0002');
    movie('IMG_0002.mov', 2, 'CCCC-0003');
    // No ids at all: the name stem still pairs them (older exports).
    still('IMG_0003.jpg', 2);
    movie('IMG_0003.mov', 3);

    const d = join(base, 'lib');
    expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
    const imp = await runCli(['--data-dir', d, 'import', src, '--json', '--no-derive']);
    expect(imp.code, imp.stderr).toBe(0);
    expect((JSON.parse(imp.stdout) as { imported: unknown[] }).imported).toHaveLength(6);
    const rows = (await runCli(['--data-dir', d, 'ls', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    const by = (n: string) => rows.find((r) => r.fileName === n) as Row;
    expect(by('IMG_0001.jpg').livePhotoVideo).toBe(by('clip-from-phone.mov').id);
    expect(by('clip-from-phone.mov').livePhotoOf).toBe(by('IMG_0001.jpg').id);
    expect(by('IMG_0002.jpg').livePhotoVideo).toBeUndefined();
    expect(by('IMG_0002.mov').livePhotoOf).toBeUndefined();
    expect(by('IMG_0003.jpg').livePhotoVideo).toBe(by('IMG_0003.mov').id);
    expect(by('IMG_0003.mov').livePhotoOf).toBe(by('IMG_0003.jpg').id);
  }, 120_000);
});
