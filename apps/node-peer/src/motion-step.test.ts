import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AssetId, BlobHash } from '@hearth/sync';
import type { AssetRecord } from './asset-record.ts';
import { createMotionStep, mayBeMotionPhoto } from './motion-step.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-motion-step-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function photo(extra: Partial<AssetRecord> = {}): AssetRecord {
  return {
    id: 'a' as AssetId,
    original: 'a' as BlobHash,
    type: 'photo',
    mime: 'image/jpeg',
    fileName: 'p.jpg',
    size: 0,
    importedAt: 0,
    ...extra,
  };
}
const enc = (s: string) => new TextEncoder().encode(s);
const ctx = (p: string) => ({ originalPath: p, signal: new AbortController().signal });

describe('motion step', () => {
  it('looks at JPEG/HEIC photos unless their import found them plain; older records (no flag) too', () => {
    expect(mayBeMotionPhoto(photo())).toBe(true);
    expect(mayBeMotionPhoto(photo({ motionPhoto: true, mime: 'image/heic' }))).toBe(true);
    expect(mayBeMotionPhoto(photo({ motionPhoto: false }))).toBe(false);
    expect(mayBeMotionPhoto(photo({ mime: 'image/png' }))).toBe(false);
    expect(mayBeMotionPhoto(photo({ type: 'video', mime: 'video/mp4' }))).toBe(false);
  });

  it('a photo without a video records none and never starts a video tool', async () => {
    const step = await createMotionStep(() => Promise.reject(new Error('no tool wanted')));
    const f = join(dir, 'plain.jpg');
    writeFileSync(f, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
    expect(await step.run(photo(), ctx(f))).toEqual({ blobs: {}, values: { motion: 'none' } });
  });

  it('an unreadable embedded video is a STEP_FAILED verdict naming the file (the tool says corrupt)', async () => {
    const { MediaError } = await import('@hearth/media');
    const tool = {
      transcode: () => Promise.reject(new MediaError('MEDIA_CORRUPT_FILE', 'x', 'moov atom not found')),
    };
    const step = await createMotionStep(() => Promise.resolve(tool as never));
    const f = join(dir, 'junk.jpg');
    const head = new Uint8Array([0, 0, 0, 16, ...enc('ftypisom'), 0, 0, 0, 0]);
    writeFileSync(f, new Uint8Array([0xff, 0xd8, 0xff, 0xd9, ...enc('MotionPhoto_Data'), ...head, 1, 2, 3]));
    await expect(step.run(photo({ fileName: 'junk.jpg' }), ctx(f))).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringMatching(
        /^motion of junk\.jpg failed: junk\.jpg: the embedded samsung motion video/,
      ) as unknown,
    });
  });
});
