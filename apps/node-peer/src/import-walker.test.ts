import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairLivePhotos, walkImport } from './import-walker.ts';

describe('walkImport', () => {
  it('finds media, attaches sidecars and skips junk with reasons', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hearth-walk-'));
    const put = (rel: string, body = 'x') => {
      mkdirSync(join(d, rel, '..'), { recursive: true });
      writeFileSync(join(d, rel), body);
    };
    put('a/IMG_1.jpg');
    put('a/IMG_1.jpg.xmp', '<x/>');
    put('a/IMG_2.HEIC');
    put('a/IMG_2.MOV');
    put('a/.DS_Store');
    put('a/._IMG_1.jpg');
    put('a/Thumbs.db');
    put('a/movie.mp4.crdownload');
    put('a/notes.txt');
    put('a/empty.jpg', '');
    put('a/.thumbnails/t.jpg');
    put('a/@eaDir/IMG_1.jpg/SYNOPHOTO_THUMB_M.jpg');
    put('a/lonely.xmp', '<x/>');
    const r = await walkImport([join(d, 'a'), join(d, 'a', 'IMG_1.jpg')]);
    const names = r.candidates.map((c) => c.path.slice(d.length + 1));
    expect(names.sort()).toEqual(['a/IMG_1.jpg', 'a/IMG_1.jpg', 'a/IMG_2.HEIC', 'a/IMG_2.MOV']);
    expect(r.candidates.find((c) => c.path.endsWith('IMG_1.jpg'))?.sidecar).toBe(join(d, 'a/IMG_1.jpg.xmp'));
    const reasons = Object.fromEntries(r.skipped.map((s) => [s.path.slice(d.length + 1), s.reason]));
    expect(reasons).toMatchObject({
      'a/.DS_Store': 'macOS folder metadata',
      'a/._IMG_1.jpg': 'macOS resource fork (AppleDouble)',
      'a/Thumbs.db': 'Windows thumbnail cache',
      'a/movie.mp4.crdownload': 'partial download or temp file',
      'a/notes.txt': 'not a photo or video',
      'a/empty.jpg': 'empty file',
      'a/.thumbnails': 'OS thumbnail folder',
      'a/@eaDir': 'Synology thumbnail folder',
      'a/lonely.xmp': 'XMP sidecar without its photo',
    });
    const pairs = pairLivePhotos(r.candidates);
    expect(pairs.get(join(d, 'a/IMG_2.HEIC'))).toBe(join(d, 'a/IMG_2.MOV'));
    expect(pairs.size).toBe(1);
  });

  it('reports a path that does not exist', async () => {
    const r = await walkImport(['/nonexistent/hearth']);
    expect(r.skipped[0]?.reason).toMatch(/cannot read: ENOENT/);
  });
});
