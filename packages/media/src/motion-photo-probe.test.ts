import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractMetadata } from './extract-metadata.ts';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';
import { probeMotionPhoto, type ReadRange } from './motion-photo-probe.ts';
import { probeMotionPhotoFile } from './motion-photo-probe.node.ts';
import { splitMotionPhoto } from './motion-photo.ts';
import { fixturesDir } from './testing/fixtures.node.ts';
import { fromBase64, PLAIN_JPEG_B64 } from './testing/samples.ts';

const samsungHeic = join(fixturesDir(), 'immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic');
const dir = mkdtempSync(join(tmpdir(), 'hearth-motion-probe-'));
const reader = createExiftoolReader();
afterAll(async () => {
  await reader.stop();
  rmSync(dir, { recursive: true, force: true });
});

const enc = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const u32le = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
/** An MP4's first box (`ftyp`) and some payload: what the probe checks a candidate by. */
const mp4 = cat(
  new Uint8Array([0, 0, 0, 20]),
  enc('ftypisom'),
  new Uint8Array([0, 0, 2, 0]),
  enc('isom'),
  new Uint8Array(3000).fill(9),
);
const jpeg = fromBase64(PLAIN_JPEG_B64);

/** A Samsung JPEG: still, `MotionPhoto_Data` block holding the video, `SEFH` directory, `SEFT`. */
function samsungJpeg(video: Uint8Array): Uint8Array {
  const name = enc('MotionPhoto_Data');
  const block = cat(new Uint8Array([0, 0, 0x30, 0x0a]), u32le(name.length), name, video);
  const dir = cat(
    enc('SEFH'),
    u32le(106),
    u32le(1),
    cat(new Uint8Array([0, 0, 0x30, 0x0a]), u32le(block.length), u32le(block.length)),
  );
  return cat(jpeg, block, dir, u32le(dir.length), enc('SEFT'));
}

/** A Google motion JPEG whose XMP sits in a JPEG comment: exiftool reads no MicroVideo tag there. */
function googleJpegUnflagged(video: Uint8Array): Uint8Array {
  const xmp = enc(
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
      `<rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MicroVideo="1" ` +
      `GCamera:MicroVideoOffset="${video.length}"/></rdf:RDF></x:xmpmeta>`,
  );
  const com = cat(new Uint8Array([0xff, 0xfe, (xmp.length + 2) >> 8, (xmp.length + 2) & 0xff]), xmp);
  return cat(jpeg.subarray(0, 2), com, jpeg.subarray(2), video);
}

/** Reads through `read`, counting the bytes it asked for. */
function counting(bytes: Uint8Array): { read: ReadRange; total: () => number } {
  let n = 0;
  return {
    read: async (o, len) => {
      const b = bytes.subarray(o, o + len);
      n += b.length;
      return b;
    },
    total: () => n,
  };
}

describe('probeMotionPhoto (from the head, the tail and box headers only)', () => {
  it.skipIf(!existsSync(samsungHeic))(
    'finds the real Samsung HEIC video where exiftool does, reading a small part of the file',
    async () => {
      const m = await extractMetadata(reader, { path: samsungHeic });
      const bytes = new Uint8Array(readFileSync(samsungHeic));
      const c = counting(bytes);
      const hint = await probeMotionPhoto(c.read, bytes.length);
      expect(hint).toEqual({
        vendor: 'samsung',
        videoOffset: m.motionPhoto?.videoOffset,
        videoSize: m.motionPhoto?.videoSize,
      });
      expect(c.total()).toBeLessThan(300 * 1024);
      expect(c.total()).toBeLessThan(bytes.length / 10);
      // Without the trailer (cut before it), the `mpvd` box still gives the video.
      const noTrailer = bytes.subarray(0, (hint?.videoOffset ?? 0) + (hint?.videoSize ?? 0));
      const viaBox = await probeMotionPhoto(counting(noTrailer).read, noTrailer.length);
      expect(viaBox?.videoOffset).toBe(hint?.videoOffset);
      expect(splitMotionPhoto(bytes, viaBox)?.video.byteLength).toBe(hint?.videoSize);
      // And through the file backend.
      expect(await probeMotionPhotoFile({ path: samsungHeic })).toEqual(hint);
    },
  );

  it('finds a Samsung JPEG trailer from the tail, the video exactly', async () => {
    const bytes = samsungJpeg(mp4);
    const hint = await probeMotionPhoto(counting(bytes).read, bytes.length);
    expect(hint?.vendor).toBe('samsung');
    const parts = splitMotionPhoto(bytes, hint);
    expect(parts?.video).toEqual(mp4);
    // (as with exiftool's offsets, the still runs up to the video: the block header stays with it)
    expect(parts?.still.subarray(0, jpeg.length)).toEqual(jpeg);
  });

  it('finds a Google video whose XMP exiftool does not flag', async () => {
    const bytes = googleJpegUnflagged(mp4);
    const path = join(dir, 'unflagged.jpg');
    writeFileSync(path, bytes);
    const m = await extractMetadata(reader, { path });
    expect(m.kind).toBe('image');
    expect(m.motionPhoto).toBeUndefined();
    const hint = await probeMotionPhotoFile({ path });
    expect(hint).toEqual({ vendor: 'google', videoLengthFromEnd: mp4.length });
    expect(splitMotionPhoto(bytes, hint)?.video).toEqual(mp4);
  });

  it('reads at most the head and a few tail bytes of an ordinary photo, and finds nothing', async () => {
    const big = cat(jpeg, new Uint8Array(2_000_000).fill(0x55));
    const c = counting(big);
    expect(await probeMotionPhoto(c.read, big.length)).toBeUndefined();
    expect(c.total()).toBeLessThanOrEqual(256 * 1024 + 8);
    expect(await probeMotionPhotoFile({ bytes: jpeg, name: 'plain.jpg' })).toBeUndefined();
  });

  it('never trusts a trailer, an XMP length or a box that points at no video', async () => {
    const junk = new Uint8Array(3000).fill(1);
    const cases: Uint8Array[] = [
      samsungJpeg(junk), // trailer fine, no ftyp where it points
      cat(jpeg, u32le(0xfffffff0), enc('SEFT')), // directory length past the file
      cat(jpeg, u32le(40), enc('SEFT')), // no SEFH where it says
      cat(jpeg, enc('SEFH'), u32le(106), u32le(1000), u32le(12), enc('SEFT')), // count past the directory
      googleJpegUnflagged(junk),
      cat(googleJpegUnflagged(mp4).subarray(0, 400), mp4.subarray(0, 8)), // length past the start
      cat(new Uint8Array([0, 0, 0, 16]), enc('ftypheic'), new Uint8Array(4), u32le(0), enc('mpvd')), // box size 0 → to the end, no video
      // a HEIF whose trailer entry names a block too small to hold a name and a video
      cat(
        new Uint8Array([0, 0, 0, 16]),
        enc('ftypheic'),
        new Uint8Array(4),
        new Uint8Array([0, 0, 0x30, 0x0a]),
        enc('SEFH'),
        u32le(106),
        u32le(1),
        new Uint8Array([0, 0, 0x30, 0x0a]),
        u32le(4),
        u32le(4),
        u32le(24),
        enc('SEFT'),
      ),
      new Uint8Array(0),
      new Uint8Array(10),
    ];
    for (const [i, b] of cases.entries())
      expect(await probeMotionPhoto(counting(b).read, b.length), `case ${i}`).toBeUndefined();
    expect(await probeMotionPhotoFile({ path: join(dir, 'missing.jpg') })).toBeUndefined();
  });
});
