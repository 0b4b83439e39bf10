import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import sharp from 'sharp';
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { extractMetadata } from './extract-metadata.ts';
import { createSharpCodec } from './image-codec.sharp.ts';
import { makeDerivatives } from './make-derivatives.ts';
import { createExifrReader } from './metadata-reader.exifr.ts';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';
import { DATE_TAG_PRIORITY, parseExifDate } from './capture-time.ts';
import { exiftoolJson, fixturesDir, hasCommand, listFiles } from './testing/fixtures.node.ts';

const root = `${fixturesDir()}/immich-test-assets`;
const files = listFiles(root);
const hasExiftool = hasCommand('exiftool');
const exiftool = createExiftoolReader();
const exifr = createExifrReader({ readFile: async (p) => new Uint8Array(await readFile(p)) });
const codec = createSharpCodec();
const rel = (p: string) => relative(root, p);

beforeAll(async () => {
  await exiftool.start();
});
afterAll(async () => {
  await exiftool.stop();
});

describe.skipIf(files.length === 0)('immich-test-assets (../shared/fixtures missing → skipped)', () => {
  describe.skipIf(!hasExiftool)(
    'metadata matches `exiftool -json -n` (needs Debian libimage-exiftool-perl)',
    () => {
      it.each(files.map((f) => [rel(f), f]))('%s', async (_name, file) => {
        const want = exiftoolJson(file);
        const fileTimeMs = (await stat(file)).mtimeMs;
        const m = await extractMetadata(exiftool, { path: file }, { fileTimeMs });
        expect(m.mime).toBe(want['MIMEType']);
        if (want['Make']) expect(m.camera?.make).toBe(String(want['Make']).trim());
        if (want['Model']) expect(m.camera?.model).toBe(String(want['Model']).trim());
        if (typeof want['Orientation'] === 'number') expect(m.orientation).toBe(want['Orientation']);
        const lat = want['GPSLatitude'];
        if (typeof lat === 'number' && lat !== 0) {
          expect(m.gps?.latitude).toBeCloseTo(lat, 5);
          expect(m.gps?.longitude).toBeCloseTo(want['GPSLongitude'] as number, 5);
        } else expect(m.gps).toBeUndefined();
        if (m.captureTime.source === 'file') {
          expect(DATE_TAG_PRIORITY.filter((t) => parseExifDate(want[t]))).toEqual([]);
          expect(m.captureTime.utcMs).toBe(fileTimeMs);
        } else {
          const src = want[m.captureTime.source];
          expect(src, `capture time tag ${m.captureTime.source}`).toBeDefined();
          // The system exiftool runs without MWG, so where the two composites differ compare to the second.
          expect(m.captureTime.local.slice(0, 19)).toBe(parseExifDate(src)?.local.slice(0, 19));
        }
        if (typeof want['Rating'] === 'number') expect(m.rating).toBe(want['Rating']);
        const kw = want['Keywords'];
        if (kw !== undefined)
          expect(m.keywords).toEqual(expect.arrayContaining((Array.isArray(kw) ? kw : [kw]).map(String)));
      });
    },
  );

  it.each(files.map((f) => [rel(f), f]))(
    'exifr agrees with exiftool on time and place: %s',
    async (_name, file) => {
      const a = await extractMetadata(exiftool, { path: file });
      const b = await extractMetadata(exifr, { path: file });
      expect(b.mime).toBe(a.mime);
      expect(b.captureTime.utcMs).toBe(a.captureTime.utcMs);
      expect(b.captureTime.local).toBe(a.captureTime.local);
      expect(b.gps === undefined).toBe(a.gps === undefined);
      if (a.gps && b.gps) expect(b.gps.latitude).toBeCloseTo(a.gps.latitude, 5);
      expect(b.orientation).toBe(a.orientation);
    },
  );

  it.each(files.map((f) => [rel(f), f]))(
    'preview has the displayed dimensions and is not blank: %s',
    async (_name, file) => {
      const m = await extractMetadata(exiftool, { path: file });
      const d = await makeDerivatives(codec, { path: file }, { mime: m.mime });
      expect([d.width, d.height]).toEqual([m.width, m.height]);
      expect(Math.min(d.thumbnail.width, d.thumbnail.height)).toBe(Math.min(250, d.width, d.height));
      expect(Math.min(d.preview.width, d.preview.height)).toBe(Math.min(1440, d.width, d.height));
      expect(d.preview.width / d.preview.height).toBeCloseTo(d.width / d.height, 1);
      // Wide gamut (the P3 HDR AVIF, Display P3 iPhone HEIC) comes out as plain sRGB.
      const pm = await sharp(d.preview.bytes).metadata();
      expect(pm.space).toBe('srgb');
      expect(pm.hasProfile ?? false).toBe(false);
      const stats = await sharp(d.thumbnail.bytes).stats();
      expect(Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev))).toBeGreaterThan(5);
    },
  );

  describe('the values the fixtures README promises', () => {
    const meta = (p: string) => extractMetadata(exiftool, { path: `${root}/${p}` });
    it('plain JPEG: SONY DSLR-A550, 2012-08-05 11:39:59, 512x341', async () => {
      const m = await meta('formats/jpg/el_torcal_rocks.jpg');
      expect(m.camera).toMatchObject({ make: 'SONY', model: 'DSLR-A550' });
      expect(m.captureTime.local).toBe('2012-08-05T11:39:59.000');
      expect([m.width, m.height]).toEqual([512, 341]);
    });
    it('iPhone HEIC: 4032x3024, GPS 41°13′13″N 96°04′18″W, offset from the GPS zone', async () => {
      const m = await meta('formats/heic/IMG_2682.heic');
      expect([m.width, m.height]).toEqual([4032, 3024]);
      expect(m.gps?.latitude).toBeCloseTo(41 + 13 / 60 + 13 / 3600, 2);
      expect(m.gps?.longitude).toBeCloseTo(-(96 + 4 / 60 + 18 / 3600), 2);
      expect(m.captureTime.local).toBe('2019-03-21T11:04:22.348');
      expect(m.captureTime).toMatchObject({
        offsetMinutes: -300,
        offsetSource: 'gps',
        zone: 'America/Chicago',
      });
    });
    it('Samsung motion photo HEIC: rotated 90° CW, offset -08:00, hidden video found', async () => {
      const m = await meta('formats/motionphoto/samsung-one-ui-6.heic');
      expect([m.width, m.height]).toEqual([3000, 4000]);
      expect(m.captureTime.offsetMinutes).toBe(-480);
      expect(m.motionPhoto).toMatchObject({ vendor: 'samsung' });
      expect(m.motionPhoto?.videoSize).toBeGreaterThan(1_000_000);
    });
    it('thompson-springs: GPS 39°06′54″N 108°24′03″W, -04:00, keywords', async () => {
      const m = await meta('metadata/gps-position/thompson-springs.jpg');
      expect(m.gps?.latitude).toBeCloseTo(39.115, 3);
      expect(m.gps?.longitude).toBeCloseTo(-108.40097, 3);
      expect(m.captureTime.offsetMinutes).toBe(-240);
      expect(m.keywords).toContain('thompson springs');
    });
    it('empty GPS tags are no location', async () => {
      const m = await meta('metadata/gps-position/empty_gps.jpg');
      expect(m.gps).toBeUndefined();
      expect(m.captureTime.local).toBe('2025-06-01T16:59:26.023');
    });
    it('face-region portrait: hierarchical people tags; orientation 6 file displays like the upright one', async () => {
      const a = await meta('metadata/faces/portrait.jpg');
      const b = await meta('metadata/faces/portrait-orientation-6.jpg');
      expect(a.tags).toEqual(expect.arrayContaining(['People/Marie Curie', 'People/Pierre Curie']));
      expect(b.orientation).toBe(6);
      expect([b.width, b.height]).toEqual([a.width, a.height]);
    });
  });
});
