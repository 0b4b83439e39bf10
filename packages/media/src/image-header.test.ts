import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageSize } from 'image-size';
import { describe, expect, it } from 'vitest';
import { imageHeaderSize } from './image-header.ts';
import { fixturesDir, listFiles } from './testing/fixtures.node.ts';
import { fromBase64, SAMPLE_JPEG_B64 } from './testing/samples.ts';

const jpegs = listFiles(join(fixturesDir(), 'immich-test-assets')).filter((f) => /\.jpe?g$/i.test(f));

describe('imageHeaderSize', () => {
  it.skipIf(!jpegs.length)(
    'reads every fixture JPEG as image-size does on a Node Buffer (size, orientation)',
    () => {
      for (const f of jpegs) {
        const buf = readFileSync(f);
        const ref = imageSize(buf);
        const got = imageHeaderSize(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        expect(got, f).toEqual({
          type: 'jpg',
          width: ref.width,
          height: ref.height,
          ...(ref.orientation ? { orientation: ref.orientation } : {}),
        });
      }
    },
  );

  it('leaves the caller’s bytes untouched and finds the frame after a large segment', () => {
    const sample = fromBase64(SAMPLE_JPEG_B64);
    // SOI, a 60 KB APP9 segment of junk, then the rest of the sample (its own segments and frame).
    const app = new Uint8Array(4 + 60_000).fill(0x20);
    app.set([0xff, 0xe9, (60_002 >> 8) & 0xff, 60_002 & 0xff]);
    const bytes = new Uint8Array([...sample.subarray(0, 2), ...app, ...sample.subarray(2)]);
    const copy = bytes.slice();
    expect(imageHeaderSize(bytes)).toEqual(imageHeaderSize(sample));
    expect(bytes).toEqual(copy);
  });
});
