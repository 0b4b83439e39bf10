/**
 * Motion photos on the home node, across processes: `hearth import` of the real Samsung One
 * UI 6 HEIC, a Google-style motion JPEG and one whose embedded video is junk. The `motion`
 * step stores each playable video as a derived blob (ffprobe reads it), the malformed one is
 * a recorded failure while its still is imported as usual, asset ids stay the hash of the
 * originals' bytes, and a paired device gets the video ref in the synced catalog and fetches
 * the blob from the node.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fixturesDir, hasFixtures, runCli } from '@hearth/node-peer/testing';
import { asBlobHash } from '@hearth/sync';
import { createFsBlobStore } from '@hearth/sync/platform';
import { spawnPeer } from './support/spawn-peer.ts';
import { derivedRecords } from './support/node-journal.ts';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

const has = (tool: string, arg = '-version') => spawnSync(tool, [arg], { stdio: 'ignore' }).status === 0;
const tools = has('ffmpeg') && has('ffprobe') && has('exiftool', '-ver');
const samsung = () => join(fixturesDir(), 'immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic');

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/**
 * Copies blob `hash` of the node at `dataDir` to `out` through the blob store (small blobs
 * may sit in pack files); false when the store does not have it.
 */
async function copyBlob(dataDir: string, hash: string, out: string): Promise<boolean> {
  const store = createFsBlobStore({ root: join(dataDir, 'blobs') });
  await store.start();
  try {
    const h = asBlobHash(hash);
    const size = await store.size(h);
    if (size === undefined) return false;
    writeFileSync(out, (await store.read(h, 0, size)).bytes);
    return true;
  } finally {
    await store.stop();
  }
}
const streams = (p: string) =>
  execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', p], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .sort();

/** A JPEG tagged as a Google MicroVideo whose last `video.length` bytes are `video`. */
function googleMotion(path: string, still: string, video: Uint8Array): void {
  copyFileSync(still, path);
  execFileSync('exiftool', [
    ...['-q', '-overwrite_original', '-XMP-GCamera:MicroVideo=1', '-XMP-GCamera:MicroVideoVersion=1'],
    ...[`-XMP-GCamera:MicroVideoOffset=${video.length}`, path],
  ]);
  writeFileSync(path, Buffer.concat([readFileSync(path), video]));
}

/**
 * The same, with its XMP in a JPEG comment, where exiftool reads no MicroVideo tag: the import
 * finds the video from the bytes (head, tail), not from a flag.
 */
function unflaggedGoogleMotion(path: string, still: string, video: Uint8Array): void {
  const xmp = Buffer.from(
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
      `<rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MicroVideo="1" ` +
      `GCamera:MicroVideoOffset="${video.length}"/></rdf:RDF></x:xmpmeta>`,
  );
  const com = Buffer.concat([Buffer.from([0xff, 0xfe, (xmp.length + 2) >> 8, (xmp.length + 2) & 0xff]), xmp]);
  const jpeg = readFileSync(still);
  writeFileSync(path, Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2), video]));
}

describe.skipIf(!hasFixtures || !tools)('motion photos on the home node (ffmpeg, ffprobe, exiftool)', () => {
  it('stores each embedded video as a playable derived blob; a junk one is a recorded failure; a paired device gets the video', async () => {
    const base = testDir('motion');
    const src = join(base, 'in');
    mkdirSync(src);
    copyFileSync(samsung(), join(src, 'samsung.heic'));
    const clip = join(base, 'clip.mp4');
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15:duration=1'],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', clip],
    ]);
    const rocks = join(fixturesDir(), 'immich-test-assets/formats/jpg/el_torcal_rocks.jpg');
    googleMotion(join(src, 'pixel.jpg'), rocks, new Uint8Array(readFileSync(clip)));
    // An MP4 `ftyp` box and then junk: found as a video, unreadable as one.
    const junk = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom'), Buffer.alloc(4000, 7)]);
    const nature = join(fixturesDir(), 'immich-test-assets/albums/nature');
    const other = readdirSync(nature).find((f) => f.endsWith('.jpg')) as string;
    googleMotion(join(src, 'broken.jpg'), join(nature, other), junk);
    unflaggedGoogleMotion(join(src, 'unflagged.jpg'), join(nature, 'wood_anemones.jpg'), readFileSync(clip));

    const d = join(base, 'lib');
    const env = { HEARTH_ML: 'off' };
    expect((await runCli(['--data-dir', d, 'init'], { env })).code).toBe(0);
    const imp = await runCli(['--data-dir', d, 'import', src, '--json'], { env });
    expect(imp.code, imp.stderr).toBe(0);
    const ids = new Map(
      (JSON.parse(imp.stdout) as { imported: { path: string; id: string }[] }).imported.map((r) => [
        r.path.split('/').pop() ?? '',
        r.id,
      ]),
    );
    // Every original is an asset whose id is the hash of its bytes, untouched.
    expect([...ids.keys()].sort()).toEqual(['broken.jpg', 'pixel.jpg', 'samsung.heic', 'unflagged.jpg']);
    for (const [name, id] of ids) {
      expect(id, name).toBe(sha256(join(src, name)));
      expect(await copyBlob(d, id, join(base, 'original')), name).toBe(true);
      expect(sha256(join(base, 'original')), name).toBe(id);
    }
    const recs = derivedRecords(d);
    // Samsung's HEVC is transcoded, the Pixel-style H.264 remuxed: both are MP4s ffprobe reads.
    for (const [name, action, codecs] of [
      ['samsung.heic', 'transcode', ['aac', 'h264']],
      ['pixel.jpg', 'remux', ['h264']],
      ['unflagged.jpg', 'remux', ['h264']],
    ] as const) {
      const rec = recs.get(`${ids.get(name)}/motion`);
      expect(rec?.failed, name).toBeUndefined();
      expect(rec?.values, name).toMatchObject({ motion: action });
      const file = join(base, `${name}.mp4`);
      expect(await copyBlob(d, rec?.blobs['motion'] ?? '', file), name).toBe(true);
      expect(readFileSync(file).subarray(4, 8).toString(), name).toBe('ftyp');
      expect(streams(file), name).toEqual(codecs);
      expect(recs.get(`${ids.get(name)}/images`)?.failed, name).toBeUndefined();
    }
    expect(recs.get(`${ids.get('samsung.heic')}/motion`)?.values).toMatchObject({ vendor: 'samsung' });
    // The junk video: a typed verdict naming the file; the still has its thumbnail all the same.
    const broken = recs.get(`${ids.get('broken.jpg')}/motion`);
    expect(broken?.failed).toMatch(
      /^motion of broken\.jpg failed: broken\.jpg: the embedded google motion video/,
    );
    expect(broken?.blobs).toEqual({});
    const brokenStill = recs.get(`${ids.get('broken.jpg')}/images`);
    expect(brokenStill?.failed).toBeUndefined();
    expect(await copyBlob(d, brokenStill?.blobs['thumbnail'] ?? '', join(base, 'thumb'))).toBe(true);

    // A library from before the motion step: no `motion` records, no import flag. The next run
    // of the reconcile loop (here `hearth import` again: all duplicates) makes them all the same.
    const journal = join(d, 'catalog', 'catalog.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    // The photo exiftool did not flag was flagged by the import's look at its bytes.
    const unflaggedId = `"id":"${ids.get('unflagged.jpg')}"`;
    expect(lines.some((l) => l.includes(unflaggedId) && l.includes('"motionPhoto":true'))).toBe(true);
    const legacy = lines
      .filter((l) => !/"kind":"motion"/.test(l))
      .map((l) => l.replace(/,"motionPhoto":(true|false)/, ''));
    expect(legacy.length).toBe(lines.length - 4);
    expect(legacy.join('\n')).not.toMatch(/motionPhoto|"kind":"motion"/);
    writeFileSync(journal, legacy.join('\n') + '\n');
    rmSync(join(d, 'catalog', 'catalog.snapshot'), { force: true });
    const re = await runCli(['--data-dir', d, 'import', src, '--json'], { env });
    expect(re.code, re.stderr).toBe(0);
    const again = derivedRecords(d);
    for (const name of ['samsung.heic', 'pixel.jpg', 'unflagged.jpg'])
      expect(again.get(`${ids.get(name)}/motion`)?.blobs, name).toEqual(
        recs.get(`${ids.get(name)}/motion`)?.blobs,
      );
    expect(again.get(`${ids.get('broken.jpg')}/motion`)?.failed).toMatch(/broken\.jpg/);

    // A paired device: the synced catalog carries the video ref, and the blob comes from the node.
    const daemon = startHomeNode(d, env, { stop: 'SIGTERM' });
    await daemon.waitFor(/^ready$/m);
    const phone = await spawnPeer('phone');
    onTestFinished(() => phone.stop());
    const offer = JSON.parse((await runCli(['--data-dir', d, 'pair', '--json'])).stdout) as { link: string };
    await phone.call('pair', { link: offer.link });
    await phone.call('catalog-start');
    const motionHash = recs.get(`${ids.get('samsung.heic')}/motion`)?.blobs['motion'];
    const refs = async () =>
      (
        await phone.call<{ assets: { id: string; derived: Record<string, { hash: string }> }[] }>(
          'catalog-snapshot',
        )
      ).assets.find((a) => a.id === ids.get('samsung.heic'))?.derived;
    await expect
      .poll(async () => (await refs())?.['motion']?.hash, { timeout: 60_000, interval: 500 })
      .toBe(motionHash);
    // The still's own refs are there beside it; the broken photo has no motion ref.
    expect(Object.keys((await refs()) ?? {}).sort()).toEqual(['motion', 'preview', 'thumbnail']);
    // Fetched over /hearth/blob/* and hash-checked by the device: the very bytes ffprobe read above.
    const got = await phone.call<{ hash: string; size: number }>('blob-fetch', { hash: motionHash });
    expect(got).toMatchObject({
      hash: motionHash,
      size: readFileSync(join(base, 'samsung.heic.mp4')).length,
    });
  }, 180_000);
});
