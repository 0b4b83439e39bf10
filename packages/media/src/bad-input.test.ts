import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMediaError } from './errors.ts';
import { extractMetadata } from './extract-metadata.ts';
import { createSharpCodec } from './image-codec.sharp.ts';
import { makeDerivatives } from './make-derivatives.ts';
import { safeFileName } from './media-input.ts';
import { createExifrReader } from './metadata-reader.exifr.ts';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';
import { buildBadInputCorpus, type BadInput } from './testing/bad-input-corpus.ts';
import { fixturesDir, hasCommand } from './testing/fixtures.node.ts';
import { makeTestClip } from './testing/video-clips.node.ts';

const heicPath = join(fixturesDir(), 'immich-test-assets/formats/heic/IMG_2682.heic');
const dir = mkdtempSync(join(tmpdir(), 'hearth-bad-'));
let mp4: Uint8Array | undefined;
if (hasCommand('ffmpeg')) mp4 = makeTestClip(join(dir, 'src.mp4'));
const sources = {
  ...(existsSync(heicPath) ? { heic: new Uint8Array(readFileSync(heicPath)) } : {}),
  ...(mp4 ? { mp4 } : {}),
};
const corpus = await buildBadInputCorpus(sources);
const exiftool = createExiftoolReader({ timeoutMs: 20_000 });
const exifr = createExifrReader();
const codec = createSharpCodec({ timeoutSeconds: 20 });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let peakRssGrowthMb = 0;
const rss0 = process.memoryUsage().rss;

/** Run a stage; it must resolve or reject with a MediaError, never anything else. */
async function outcome(p: Promise<unknown>): Promise<'ok' | 'error'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    expect(isMediaError(e), `not a MediaError: ${String(e)}`).toBe(true);
    return 'error';
  } finally {
    peakRssGrowthMb = Math.max(peakRssGrowthMb, (process.memoryUsage().rss - rss0) / 2 ** 20);
  }
}

beforeAll(async () => {
  await exiftool.start();
});
afterAll(async () => {
  await exiftool.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('bad input: typed error or sensible result, original kept, no crash or hang', () => {
  it('has at least 30 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((c) => [c.name, c] as [string, BadInput]))('%s', async (_n, c) => {
    const before = sha(c.bytes);
    const input = { bytes: c.bytes, name: c.name };
    const metaTool = await outcome(extractMetadata(exiftool, input));
    const metaExifr = await outcome(extractMetadata(exifr, input));
    const derived = await outcome(makeDerivatives(codec, input));
    // The same bytes again from a file on disk: the path backends must not alter it.
    const file = join(dir, sha(c.bytes).slice(0, 16));
    writeFileSync(file, c.bytes);
    await outcome(extractMetadata(exiftool, { path: file, name: c.name }));
    await outcome(makeDerivatives(codec, { path: file, name: c.name }));
    expect(sha(new Uint8Array(readFileSync(file)))).toBe(before);
    expect(sha(c.bytes)).toBe(before);
    if (c.expect === 'ok') expect([metaTool, metaExifr, derived]).toEqual(['ok', 'ok', 'ok']);
    if (c.expect === 'error') expect(derived).toBe('error');
  });

  it('date, GPS and orientation garbage becomes no value plus a warning, not 0,0 or year 9999', async () => {
    const by = (n: string) => ({
      bytes: corpus.find((c) => c.name === n)?.bytes ?? new Uint8Array(),
      name: n,
    });
    for (const reader of [exiftool, exifr]) {
      const gps = await extractMetadata(reader, by('gps-out-of-range.jpg'));
      expect(gps.gps).toBeUndefined();
      const y = await extractMetadata(reader, by('year-9999.jpg'), { fileTimeMs: 1_600_000_000_000 });
      expect(y.captureTime.source).toBe('file');
      expect(y.warnings.join()).toMatch(/implausible/);
      const o = await extractMetadata(reader, by('orientation-99.jpg'));
      expect(o.orientation).toBeUndefined();
    }
  });

  it('makes hostile file names safe: no directories, no NUL, unicode kept', () => {
    expect(safeFileName('../../etc/passwd.jpg')).toBe('passwd.jpg');
    expect(safeFileName('nul\u0000byte.jpg')).toBe('nulbyte.jpg');
    expect(safeFileName('фото 📷 e\u0301.jpg')).toBe('фото 📷 é.jpg'.normalize('NFC'));
    expect(() => safeFileName('..')).toThrow(expect.objectContaining({ code: 'MEDIA_BAD_NAME' }));
  });

  it('stays within a memory bound over the whole corpus', () => {
    expect(peakRssGrowthMb).toBeLessThan(1024);
  });
});
