import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { asAssetId, type BlobHash } from '@hearth/sync';
import type { AssetRecord } from './asset-record.ts';
import { createLivePairing, type Ingested } from './live-pairing.ts';

function item(path: string, type: 'photo' | 'video', liveId?: string, takenAt = 0): Ingested {
  const hash = createHash('sha256').update(path).digest('hex') as BlobHash;
  const rec: AssetRecord = {
    id: asAssetId(hash),
    original: hash,
    type,
    mime: type === 'photo' ? 'image/jpeg' : 'video/quicktime',
    size: 1,
    fileName: path,
    importedAt: 0,
    takenAt,
  };
  return { path, rec, ...(liveId ? { liveId } : {}) };
}

describe('live pairing', () => {
  it('passes plain files through and releases a ContentIdentifier pair as soon as both parts are there', () => {
    const p = createLivePairing(new Map());
    expect(p.offer(item('a', 'photo')).map((i) => i.path)).toEqual(['a']);
    expect(p.offer(item('b', 'video', 'X'))).toEqual([]);
    const out = p.offer(item('c', 'photo', 'X'));
    expect(out.map((i) => i.path)).toEqual(['c', 'b']);
    expect(out[0]?.rec.livePhotoVideo).toBe(out[1]?.rec.id);
    expect(out[1]?.rec.livePhotoOf).toBe(out[0]?.rec.id);
    expect(p.rest()).toEqual([]);
  });

  it('pairs by name stem only without ids, and leaves the rest unpaired at the end', () => {
    const p = createLivePairing(
      new Map([
        ['s', 'm'],
        ['s2', 'm2'],
      ]),
    );
    expect(p.offer(item('m', 'video'))).toEqual([]);
    expect(p.offer(item('s', 'photo')).map((i) => i.path)).toEqual(['s', 'm']);
    // Same stem, but the movie has its own id: they do not belong together.
    expect(p.offer(item('s2', 'photo'))).toEqual([]);
    expect(p.offer(item('m2', 'video', 'Y'))).toEqual([]);
    const rest = p.rest();
    expect(rest.map((i) => i.path).sort()).toEqual(['m2', 's2']);
    expect(rest.every((i) => !i.rec.livePhotoOf && !i.rec.livePhotoVideo)).toBe(true);
  });

  it('at the end, a group with several movies gives the still the one closest in time', () => {
    const p = createLivePairing(new Map());
    p.offer(item('m-old', 'video', 'Z', 0));
    p.offer(item('m-new', 'video', 'Z', 5000));
    p.offer(item('s', 'photo', 'Z', 5100));
    const rest = p.rest();
    const s = rest.find((i) => i.path === 's');
    expect(s?.rec.livePhotoVideo).toBe(rest.find((i) => i.path === 'm-new')?.rec.id);
    expect(rest.find((i) => i.path === 'm-old')?.rec.livePhotoOf).toBeUndefined();
  });
});
