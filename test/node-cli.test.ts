import {
  copyFileSync,
  statSync,
  readFileSync,
  writeFileSync,
  mkdirSync,
  existsSync,
  readdirSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, fixturesDir, hasFixtures, runCli } from '@hearth/node-peer/testing';
import { testDir } from './support/test-cleanup.ts';

const tmp = (p: string) => testDir(p);
const assets = () => join(fixturesDir(), 'immich-test-assets');

describe.skipIf(!hasFixtures)('hearth CLI (separate processes)', () => {
  it('init is idempotent and keeps the library key private', async () => {
    const d = tmp('init');
    const a = await runCli(['--data-dir', d, 'init', '--json']);
    expect(a.code).toBe(0);
    const b = await runCli(['init', '--json'], { env: { HEARTH_DATA_DIR: d } });
    expect(b.code).toBe(0);
    const ja = JSON.parse(a.stdout) as { created: boolean; libraryId: string };
    const jb = JSON.parse(b.stdout) as { created: boolean; libraryId: string };
    expect([ja.created, jb.created]).toEqual([true, false]);
    expect(jb.libraryId).toBe(ja.libraryId);
    expect(statSync(join(d, 'library.key')).mode & 0o777).toBe(0o600);
  });

  it('commands on a data dir without a library say to run init (exit 3)', async () => {
    const r = await runCli(['--data-dir', tmp('none'), 'ls']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/run `hearth init` first/);
  });

  it('imports the fixtures; a second import adds nothing; ls, verify and export agree', async () => {
    const d = tmp('imp');
    await runCli(['--data-dir', d, 'init']);
    const first = await runCli(['--data-dir', d, 'import', assets(), '--json']);
    expect(first.code).toBe(0);
    const r1 = JSON.parse(first.stdout) as { imported: unknown[]; duplicates: unknown[]; failed: unknown[] };
    expect(r1.imported.length).toBeGreaterThanOrEqual(15);
    expect(r1.failed).toEqual([]);
    const second = await runCli(['--data-dir', d, 'import', assets(), '--json']);
    const r2 = JSON.parse(second.stdout) as { imported: unknown[]; duplicates: unknown[] };
    expect(r2.imported).toEqual([]);
    expect(r2.duplicates.length).toBe(r1.imported.length + r1.duplicates.length);

    const ls = await runCli(['--data-dir', d, 'ls', '--json']);
    const rows = ls.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; fileName: string });
    expect(rows.length).toBe(r1.imported.length);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);

    // Originals are byte-for-byte what was imported.
    const torcal = rows.find((r) => r.fileName === 'el_torcal_rocks.jpg') as unknown as {
      id: string;
      takenAt: number;
      width: number;
      camera?: { model?: string };
    };
    // Metadata read at import (by @hearth/media): capture time, size, camera.
    expect(new Date(torcal.takenAt).toISOString().slice(0, 10)).toBe('2012-08-05');
    expect(torcal.width).toBe(512);
    expect(torcal.camera?.model).toMatch(/A550/);
    const h = torcal.id;
    expect(
      readFileSync(join(d, 'blobs/sha256', h.slice(0, 2), h.slice(2, 4), h)).equals(
        readFileSync(join(assets(), 'formats/jpg/el_torcal_rocks.jpg')),
      ),
    ).toBe(true);

    const v = await runCli(['--data-dir', d, 'verify', '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({
      ok: true,
      audit: { ok: true },
      // original, thumbnail and preview of each; plus the video of the one motion photo
      // (formats/motionphoto/samsung-one-ui-6.heic), stored as its derived `motion` blob
      blobs: { blobsChecked: rows.length * 3 + 1 },
    });
    expect(rows.some((r) => r.fileName === 'samsung-one-ui-6.heic')).toBe(true);

    const out = tmp('export');
    const ex = await runCli(['--data-dir', d, 'export', out, '--json']);
    expect(ex.code).toBe(0);
    const rep = JSON.parse(ex.stdout) as { exported: number; linked: number };
    expect(rep.exported).toBe(rows.length);
    expect(rep.linked).toBe(rows.length); // same file system: hard links
    const again = JSON.parse((await runCli(['--data-dir', d, 'export', out, '--json'])).stdout) as {
      unchanged: number;
    };
    expect(again.unchanged).toBe(rows.length);
    const st = await runCli(['--data-dir', d, 'status', '--json']);
    // The import made every thumbnail and preview before it returned.
    expect(JSON.parse(st.stdout)).toMatchObject({
      assets: rows.length,
      daemon: null,
      auditEntries: 4,
      derivatives: { images: { done: rows.length, missing: 0 } },
      // The export is the library's backup so far; hard links share this disk.
      backups: {
        exports: { count: 2, last: { dir: out, linked: 0, copied: 0 }, importedSinceLastExport: 0 },
        auditReplicas: [],
      },
    });
    expect((await runCli(['--data-dir', d, 'status'])).stdout).toMatch(
      /backups: last export .* 0 imported since/,
    );
    expect(readdirSync(join(out, '2012', '08'))).toContain('el_torcal_rocks.jpg');
  });

  it('reports junk, bad files and sidecars, imports the rest, and exports edits as XMP', async () => {
    const d = tmp('bad');
    const src = tmp('src');
    await copyFixture('immich-test-assets/formats/jpg/el_torcal_rocks.jpg', join(src, 'good.jpg'));
    writeFileSync(
      join(src, 'good.jpg.xmp'),
      '<x:xmpmeta><rdf:Description xmp:Rating="4"><dc:subject><rdf:Bag><rdf:li>rocks</rdf:li></rdf:Bag></dc:subject></rdf:Description></x:xmpmeta>',
    );
    writeFileSync(join(src, 'broken.jpg'), 'this is not a jpeg at all');
    writeFileSync(join(src, '.DS_Store'), 'junk');
    writeFileSync(join(src, 'clip.mov.part'), 'partial');
    mkdirSync(join(src, '@eaDir'));
    writeFileSync(join(src, '@eaDir', 'SYNOPHOTO_THUMB.jpg'), 'thumb');
    await runCli(['--data-dir', d, 'init']);
    const r = await runCli(['--data-dir', d, 'import', src, '--album', 'Spain']);
    expect(r.code).toBe(6); // finished, but a file failed
    expect(r.stdout).toMatch(/imported 1, duplicates 0, skipped 3, failed 1/);
    expect(r.stdout).toMatch(/failed {2}.*broken\.jpg: not a readable photo or video/);
    expect(r.stdout).toMatch(/skipped .*\.DS_Store: macOS folder metadata/);
    expect(r.stdout).toMatch(/skipped .*clip\.mov\.part: partial download/);
    const out = tmp('x');
    expect((await runCli(['--data-dir', d, 'export', out, '--template', '{album}/{filename}'])).code).toBe(0);
    const xmp = readFileSync(join(out, 'Spain', 'good.jpg.xmp'), 'utf8');
    expect(xmp).toContain('<xmp:Rating>4</xmp:Rating>');
    expect(xmp).toContain('<rdf:li>rocks</rdf:li>');
    expect(xmp).toContain('<rdf:li>Albums|Spain</rdf:li>');
    expect(existsSync(join(out, 'Spain', 'good.jpg'))).toBe(true);
  });

  it('a full disk stops the import with a clear error and nothing partial; it resumes once there is space', async () => {
    const d = tmp('full');
    const src = tmp('src');
    for (const f of ['albums/nature', 'formats/jpg']) {
      for (const n of readdirSync(join(assets(), f)))
        await copyFixture(`immich-test-assets/${f}/${n}`, join(src, n));
    }
    const total = readdirSync(src).length;
    await runCli(['--data-dir', d, 'init']);
    const r = await runCli(['--data-dir', d, 'import', src, '--json'], {
      env: { HEARTH_FAULT_DISK_BYTES: String(600_000) },
    });
    expect(r.code).toBe(4);
    const rep = JSON.parse(r.stdout) as { imported: unknown[]; stopped: { code: string; message: string } };
    expect(rep.stopped.code).toBe('DISK_FULL');
    expect(rep.stopped.message).toMatch(/no space left .*run it again/);
    expect(rep.imported.length).toBeLessThan(total);
    expect(readdirSync(join(d, 'blobs/tmp'))).toEqual([]);
    const v = await runCli(['--data-dir', d, 'verify', '--json']);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, blobs: { missing: [], corrupt: [] } });
    const r2 = await runCli(['--data-dir', d, 'import', src, '--json']);
    expect(r2.code).toBe(0);
    const rep2 = JSON.parse(r2.stdout) as { imported: unknown[]; duplicates: unknown[] };
    expect(rep.imported.length + rep2.imported.length).toBe(total);
    expect(rep2.duplicates.length).toBe(rep.imported.length);
  });

  it('inspect reads a file without importing it', async () => {
    const d = tmp('insp');
    await runCli(['--data-dir', d, 'init']);
    const r = await runCli([
      '--data-dir',
      d,
      'inspect',
      join(assets(), 'formats/heic/IMG_2682.heic'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      mime: 'image/heic',
      importable: true,
      inLibrary: false,
      // GPS 41.2°N 96.0°W: the offline GeoNames lookup, as the PWA's import answers too
      place: 'Ralston, NE, United States',
    });
    expect((await runCli(['--data-dir', d, 'ls'])).stdout).toBe('');
    // An import records the same place name.
    const src = tmp('insp-src');
    copyFileSync(join(assets(), 'formats/heic/IMG_2682.heic'), join(src, 'IMG_2682.heic'));
    expect((await runCli(['--data-dir', d, 'import', src])).code).toBe(0);
    const ls = (await runCli(['--data-dir', d, 'ls', '--json'])).stdout.trim().split('\n');
    expect(ls.map((l) => (JSON.parse(l) as { place?: string }).place)).toEqual([
      'Ralston, NE, United States',
    ]);
  });

  it('usage errors exit 2 with help', async () => {
    const r = await runCli(['import']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument/);
    const h = await runCli(['export', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/--template/);
  });
});
