import { describe, expect, it } from 'vitest';
import { isMediaError } from './errors.ts';
import { createSharpCodec } from './image-codec.sharp.ts';
import type { MetadataReader } from './metadata-reader.ts';
import { processImage } from './process-image.ts';
import { fromBase64, SAMPLE_JPEG_B64 } from './testing/samples.ts';

/** A reader standing in for exiftool on a RAW file: only the logic around it is under test. */
function rawReader(preview: Uint8Array | undefined): MetadataReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    name: 'fake-raw',
    asked,
    async start() {},
    async stop() {},
    async readTags() {
      return { MIMEType: 'image/x-canon-cr2', DateTimeOriginal: '2020:05:06 07:08:09', Make: 'Canon' };
    },
    async readBinaryTag(_input, tag) {
      asked.push(tag);
      return tag === 'PreviewImage' ? preview : undefined;
    },
  };
}

describe('processImage', () => {
  const codec = createSharpCodec();
  it('uses the largest embedded JPEG of a RAW file and says the preview is small', async () => {
    const reader = rawReader(fromBase64(SAMPLE_JPEG_B64));
    const r = await processImage({ reader, codec }, { bytes: new Uint8Array([1, 2, 3]), name: 'IMG_1.CR2' });
    expect(reader.asked.slice(0, 2)).toEqual(['JpgFromRaw', 'PreviewImage']);
    expect(r.derivatives).toMatchObject({
      source: 'embedded-preview',
      smallPreview: true,
      width: 16,
      height: 32,
    });
    expect(r.metadata.captureTime.local).toBe('2020-05-06T07:08:09.000');
  });
  it('gives MEDIA_UNSUPPORTED_FORMAT for a RAW file without any embedded preview', async () => {
    await expect(
      processImage({ reader: rawReader(undefined), codec }, { bytes: new Uint8Array([1]), name: 'x.CR2' }),
    ).rejects.toSatisfy((e) => isMediaError(e, 'MEDIA_UNSUPPORTED_FORMAT'));
  });
});
