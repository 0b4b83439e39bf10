import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMediaError } from './errors.ts';
import { lyingJxl } from './testing/bad-input-corpus.ts';
import { fixturesDir } from './testing/fixtures.node.ts';
import { createWasmDecoderPool } from './wasm-decoder-pool.node.ts';
import { decodeHeic } from './wasm-decoders.ts';

const heicPath = join(fixturesDir(), 'immich-test-assets/formats/heic/IMG_2682.heic');
const jxlPath = join(fixturesDir(), 'immich-test-assets/formats/jxl/8bit-sRGB.jxl');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(!existsSync(heicPath))('wasm decoder pool (worker threads; needs ../shared/fixtures)', () => {
  const pool = createWasmDecoderPool({ size: 2 });
  afterAll(() => pool.stop());
  const heic = new Uint8Array(readFileSync(heicPath));

  it('decodes HEIC in a worker to the same pixels as on the calling thread, leaving the event loop free', async () => {
    let ticks = 0;
    let pending = true;
    const tick = () => {
      ticks++;
      if (pending) setImmediate(tick);
    };
    setImmediate(tick);
    const img = await pool.decode('heic', heic, 'IMG_2682.heic', 100_000_000);
    pending = false;
    // The event loop kept turning while the worker decoded (on the calling thread it cannot).
    expect(ticks).toBeGreaterThan(10);
    const local = await decodeHeic(heic, 'IMG_2682.heic', 100_000_000);
    expect([img.width, img.height]).toEqual([local.width, local.height]);
    expect(sha(img.data)).toBe(sha(local.data));
  }, 60_000);

  it('decodes JPEG XL, and runs two decodes at once', async () => {
    const jxl = new Uint8Array(readFileSync(jxlPath));
    const [a, b] = await Promise.all([
      pool.decode('jxl', jxl, 'a.jxl', 100_000_000),
      pool.decode('heic', heic, 'b.heic', 100_000_000),
    ]);
    expect([a.width, a.height]).toEqual([1440, 1080]);
    expect(a.data.length).toBe(1440 * 1080 * 4);
    expect(b.width).toBeGreaterThan(0);
  }, 60_000);

  it('keeps error codes from the worker: bomb header, damaged file', async () => {
    await expect(pool.decode('jxl', lyingJxl(50_000, 50_000), 'bomb.jxl', 100_000_000)).rejects.toSatisfy(
      (e) => isMediaError(e, 'MEDIA_TOO_LARGE') && e.file === 'bomb.jxl',
    );
    await expect(pool.decode('heic', heic.subarray(0, 4000), 'cut.heic', 100_000_000)).rejects.toSatisfy(
      (e) => isMediaError(e, 'MEDIA_CORRUPT_FILE'),
    );
    // the worker is still there for the next one
    const ok = await pool.decode('heic', heic, 'again.heic', 100_000_000);
    expect(ok.width).toBeGreaterThan(0);
  }, 60_000);

  it('a decode over its bound ends its worker with MEDIA_TIMEOUT', async () => {
    const slow = createWasmDecoderPool({ size: 1, timeoutMs: 1 });
    try {
      await expect(slow.decode('heic', heic, 'slow.heic', 100_000_000)).rejects.toSatisfy((e) =>
        isMediaError(e, 'MEDIA_TIMEOUT'),
      );
    } finally {
      await slow.stop();
    }
  });
});
