import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMediaError } from './errors.ts';
import { extractMetadata } from './extract-metadata.ts';
import type { MetadataReader } from './metadata-reader.ts';
import { buildTiff, gpsIfd, TAG, withExif } from './testing/exif-builder.ts';
import {
  fromBase64,
  PLAIN_JPEG_B64,
  PLAIN_PNG_B64,
  SAMPLE_JPEG_B64,
  SAMPLE_JPEG_EXPECTED as X,
  SIDECAR_XMP,
} from './testing/samples.ts';

/**
 * What every MetadataReader must do, on inlined samples (so it runs in Node and Chromium).
 * `setup` returns a reader that has not been started.
 */
export function runMetadataReaderContract(
  name: string,
  setup: () => MetadataReader | Promise<MetadataReader>,
): void {
  describe(`MetadataReader contract: ${name}`, () => {
    let reader: MetadataReader;
    const sample = { bytes: fromBase64(SAMPLE_JPEG_B64), name: 'sample.jpg' };
    const plainJpeg = () => fromBase64(PLAIN_JPEG_B64);
    const tagged = (spec: Parameters<typeof buildTiff>[0]) => ({
      bytes: withExif(plainJpeg(), buildTiff(spec)),
      name: 'tagged.jpg',
    });

    beforeAll(async () => {
      reader = await setup();
      await reader.start();
    });
    afterAll(async () => {
      await reader.stop();
    });

    it('reads the capture time with sub-seconds and its offset', async () => {
      const m = await extractMetadata(reader, sample);
      expect(m.captureTime.local).toBe(X.local);
      expect(m.captureTime.offsetMinutes).toBe(X.offsetMinutes);
      expect(m.captureTime.utcMs).toBe(X.utcMs);
      expect(m.captureTime.source).toMatch(/DateTimeOriginal/);
    });

    it('reads camera and exposure', async () => {
      const { camera, kind, mime } = await extractMetadata(reader, sample);
      expect(kind).toBe('image');
      expect(mime).toBe('image/jpeg');
      expect(camera).toMatchObject({ make: X.make, model: X.model, lens: X.lens, iso: X.iso });
      expect(camera?.exposureTime).toBeCloseTo(X.exposureTime, 6);
      expect(camera?.fNumber).toBeCloseTo(X.fNumber, 3);
      expect(camera?.focalLength).toBeCloseTo(X.focalLength, 3);
    });

    it('reads GPS as signed decimal degrees', async () => {
      const { gps } = await extractMetadata(reader, sample);
      expect(gps?.latitude).toBeCloseTo(X.latitude, 4);
      expect(gps?.longitude).toBeCloseTo(X.longitude, 4);
    });

    it('gives dimensions after EXIF orientation', async () => {
      const m = await extractMetadata(reader, sample);
      expect(m.orientation).toBe(X.orientation);
      expect([m.width, m.height]).toEqual([X.width, X.height]);
    });

    it('reads rating, description, keywords and hierarchical tags', async () => {
      const m = await extractMetadata(reader, sample);
      expect(m.rating).toBe(X.rating);
      expect(m.description).toBe(X.description);
      expect(m.keywords).toEqual(X.keywords);
      expect(m.tags).toEqual(expect.arrayContaining([...X.tags]));
    });

    it('merges an XMP sidecar, the sidecar winning', async () => {
      const m = await extractMetadata(reader, sample, {
        sidecar: { bytes: new TextEncoder().encode(SIDECAR_XMP), name: 'sample.jpg.xmp' },
      });
      expect(m.warnings).toEqual([]);
      expect(m.sidecar).toBe(true);
      expect(m.rating).toBe(2);
      expect(m.description).toBe('From the sidecar');
      expect(m.keywords).toEqual(['sidecar-tag']);
      expect(m.camera?.make).toBe(X.make); // what the sidecar lacks still comes from the photo
    });

    it('falls back to the file time, marked as such, when no date tag exists', async () => {
      const fileTimeMs = Date.UTC(2020, 1, 2, 3, 4, 5);
      const m = await extractMetadata(
        reader,
        { bytes: fromBase64(PLAIN_PNG_B64), name: 'plain.png' },
        { fileTimeMs },
      );
      expect(m.mime).toBe('image/png');
      expect(m.captureTime.source).toBe('file');
      expect(m.captureTime.utcMs).toBe(fileTimeMs);
      expect(m.gps).toBeUndefined();
    });

    it('skips implausible dates (year 9999, year 0) for the next tag in priority order', async () => {
      const m = await extractMetadata(
        reader,
        tagged({
          exif: {
            [TAG.DateTimeOriginal]: { ascii: '9999:12:31 23:59:59' },
            [TAG.CreateDate]: { ascii: '2018:03:04 05:06:07' },
          },
        }),
      );
      expect(m.captureTime.source).toBe('CreateDate');
      expect(m.captureTime.local).toBe('2018-03-04T05:06:07.000');
      const zero = await extractMetadata(
        reader,
        tagged({ exif: { [TAG.DateTimeOriginal]: { ascii: '0000:00:00 00:00:00' } } }),
        { fileTimeMs: 1e12 },
      );
      expect(zero.captureTime.source).toBe('file');
    });

    it('takes the offset from the GPS position when no offset tag exists', async () => {
      const m = await extractMetadata(
        reader,
        tagged({
          exif: { [TAG.DateTimeOriginal]: { ascii: '2022:07:01 12:00:00' } },
          gps: gpsIfd(40.7128, -74.006),
        }),
      );
      expect(m.captureTime.offsetMinutes).toBe(-240); // New York, daylight saving time
      expect(m.captureTime.offsetSource).toBe('gps');
      expect(m.captureTime.utcMs).toBe(Date.UTC(2022, 6, 1, 16));
    });

    it('treats out-of-range and zero GPS as no location', async () => {
      const far = await extractMetadata(reader, tagged({ gps: gpsIfd(200, 500) }));
      expect(far.gps).toBeUndefined();
      const zero = await extractMetadata(reader, tagged({ gps: gpsIfd(0, 0) }));
      expect(zero.gps).toBeUndefined();
    });

    it('rejects an empty file with MEDIA_EMPTY_FILE', async () => {
      await expect(
        extractMetadata(reader, { bytes: new Uint8Array(0), name: 'empty.jpg' }),
      ).rejects.toSatisfy((e) => isMediaError(e, 'MEDIA_EMPTY_FILE'));
    });

    it('rejects bytes that are no media with MEDIA_UNSUPPORTED_FORMAT', async () => {
      const junk = new TextEncoder().encode('this is a shopping list, not a photo\n'.repeat(20));
      await expect(extractMetadata(reader, { bytes: junk, name: 'list.jpg' })).rejects.toSatisfy((e) =>
        isMediaError(e, 'MEDIA_UNSUPPORTED_FORMAT'),
      );
    });

    it('identifies content, not the extension', async () => {
      const m = await extractMetadata(reader, { bytes: fromBase64(PLAIN_PNG_B64), name: 'really-a-png.jpg' });
      expect(m.mime).toBe('image/png');
      expect([m.width, m.height]).toEqual([32, 16]);
    });
  });
}
