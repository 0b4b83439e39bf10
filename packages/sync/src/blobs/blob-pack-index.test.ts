/** The compact pack index, against a Map doing the same operations. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobHash } from '../ids.ts';
import { createPackIndex, type PackLocation } from './blob-pack-index.ts';

const h = (i: number) => createHash('sha256').update(String(i)).digest('hex') as BlobHash;

describe('compact pack index', () => {
  it('finds what was added, misses the rest, and rejects what is not a hash', () => {
    const index = createPackIndex();
    for (let i = 0; i < 5000; i++) index.add(h(i), i % 7, i * 100, i + 1);
    expect(index.count).toBe(5000);
    for (let i = 0; i < 5000; i++)
      expect(index.first(h(i))).toEqual({ pack: i % 7, offset: i * 100, size: i + 1 });
    for (let i = 5000; i < 6000; i++) expect(index.first(h(i))).toBeUndefined();
    expect(index.first('not a hash')).toBeUndefined();
    expect(index.first(h(1).toUpperCase())).toBeUndefined();
    expect(() => index.add('zz' as BlobHash, 0, 0, 0)).toThrow(TypeError);
    // Full 32-bit words: offsets and sizes up to 2^32 - 1 come back unsigned.
    index.add(h(-1), 3, 0xfffffff0, 0xffffffff);
    expect(index.first(h(-1))).toEqual({ pack: 3, offset: 0xfffffff0, size: 0xffffffff });
  });

  it('takes a hash as its 32 bytes (as a sealed pack index holds it) the same as its hex', () => {
    const index = createPackIndex();
    const bytes = new Uint8Array(100);
    bytes.set(Buffer.from(h(9), 'hex'), 7);
    index.addBytes(bytes, 7, 2, 44, 5);
    expect(index.first(h(9))).toEqual({ pack: 2, offset: 44, size: 5 });
    expect([...index.hashes()]).toEqual([h(9)]);
  });

  it('keeps every copy of a blob packed twice and removes exactly the one named', () => {
    const index = createPackIndex();
    index.add(h(1), 0, 0, 10);
    index.add(h(2), 0, 54, 10);
    index.add(h(1), 1, 0, 10);
    expect(index.all(h(1))).toEqual([
      { pack: 0, offset: 0, size: 10 },
      { pack: 1, offset: 0, size: 10 },
    ]);
    expect([...index.hashes()].sort()).toEqual([h(1), h(2)].sort());
    expect(index.remove(h(1), 0, 54)).toBe(-1); // that record is h(2)'s
    expect(index.remove(h(1), 0, 0)).toBe(10);
    expect(index.remove(h(1), 0, 0)).toBe(-1);
    expect(index.first(h(1))).toEqual({ pack: 1, offset: 0, size: 10 });
    expect(index.remove(h(1), 1, 0)).toBe(10);
    expect(index.first(h(1))).toBeUndefined();
    expect(index.first(h(2))).toEqual({ pack: 0, offset: 54, size: 10 });
    expect(index.count).toBe(1);
  });

  it('agrees with a Map through growth, many removals, reclaiming and clear', () => {
    const index = createPackIndex();
    const model = new Map<BlobHash, PackLocation>();
    let seed = 7;
    const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let step = 0; step < 60_000; step++) {
      const i = rand(20_000);
      const at = model.get(h(i));
      if (at && rand(3) === 0) {
        expect(index.remove(h(i), at.pack, at.offset)).toBe(at.size);
        model.delete(h(i));
      } else if (!at) {
        const loc = { pack: rand(50), offset: rand(1 << 28), size: rand(1 << 20) };
        index.add(h(i), loc.pack, loc.offset, loc.size);
        model.set(h(i), loc);
      }
    }
    expect(index.count).toBe(model.size);
    for (let i = 0; i < 20_000; i++) expect(index.first(h(i))).toEqual(model.get(h(i)));
    const seen = new Map<BlobHash, PackLocation>();
    index.forEach((hash, at) => seen.set(hash, at));
    expect(seen).toEqual(model);
    const ofPack3: BlobHash[] = [];
    index.forEach((hash) => ofPack3.push(hash), 3);
    expect(ofPack3.sort()).toEqual(
      [...model]
        .filter(([, at]) => at.pack === 3)
        .map(([k]) => k)
        .sort(),
    );
    expect(new Set(index.hashes())).toEqual(new Set(model.keys()));
    index.clear();
    expect(index.count).toBe(0);
    expect(index.first(h(0))).toBeUndefined();
    expect([...index.hashes()]).toEqual([]);
  });
});
