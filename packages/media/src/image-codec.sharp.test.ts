import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runImageCodecContract } from './image-codec.contract.ts';
import { createSharpCodec } from './image-codec.sharp.ts';
import { MAX_INPUT_PIXELS, THUMBNAIL } from './make-derivatives.ts';
import { concatBytes } from './testing/bytes.ts';

runImageCodecContract('sharp', () => createSharpCodec());

/** A 60×40 JPEG shown rotated (EXIF orientation 6: 40×60 on screen). */
async function rotatedJpeg(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 60, height: 40, channels: 3, background: '#c04020' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer(),
  );
}

/** Inserts `n` 64 KB APP15 segments right after SOI, pushing the frame header past 256 KB. */
function padded(jpeg: Uint8Array, n: number): Uint8Array {
  const seg = new Uint8Array(4 + 65_533);
  seg.set([0xff, 0xef, 0xff, 0xff]);
  return concatBytes(jpeg.subarray(0, 2), ...Array.from({ length: n }, () => seg), jpeg.subarray(2));
}

describe('sharp codec: JPEG sizes from the header', () => {
  const codec = createSharpCodec();
  const req = { encode: [THUMBNAIL], pixels: [], maxInputPixels: MAX_INPUT_PIXELS };

  it('reads the size after orientation, also when the frame header is past 256 KB (libvips then)', async () => {
    const jpeg = await rotatedJpeg();
    for (const bytes of [jpeg, padded(jpeg, 5)]) {
      const r = await codec.render({ bytes, name: 'r.jpg' }, req);
      expect([r.width, r.height]).toEqual([40, 60]);
    }
  });

  it('refuses a JPEG whose header claims too many pixels, before decoding', async () => {
    const jpeg = await rotatedJpeg();
    const sof = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0);
    expect(sof).toBeGreaterThan(0);
    // SOF0: marker, length (2), precision (1), height (2), width (2): 30,000 × 30,000.
    jpeg.set([0x75, 0x30, 0x75, 0x30], sof + 5);
    await expect(codec.render({ bytes: jpeg, name: 'bomb.jpg' }, req)).rejects.toMatchObject({
      code: 'MEDIA_TOO_LARGE',
    });
  });
});
