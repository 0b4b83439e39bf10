import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asAssetId, asBlobHash } from '@hearth/sync';
import type { AssetRecord } from './asset-record.ts';
import { createJsonlCatalog } from './node-catalog.jsonl.ts';

const rec = (n: number): AssetRecord => {
  const h = n.toString(16).padStart(64, '0');
  return {
    id: asAssetId(h),
    original: asBlobHash(h),
    type: 'photo',
    mime: 'image/jpeg',
    size: n,
    fileName: `${n}.jpg`,
    importedAt: n,
  };
};

describe('JSONL node catalog', () => {
  it('keeps one asset when two processes add it, and sees the other side after refresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-cat-'));
    const a = createJsonlCatalog(dir);
    const b = createJsonlCatalog(dir);
    await a.start();
    await b.start();
    expect(await a.add(rec(1))).toBe(true);
    expect(await b.add(rec(1))).toBe(true); // b had not seen it yet
    expect(await a.add(rec(1))).toBe(false);
    await b.add(rec(2));
    expect((await a.refresh()).map((r) => r.size)).toEqual([2]);
    expect(a.size).toBe(2);
    const c = createJsonlCatalog(dir);
    await c.start();
    expect([...c.assets()].map((r) => r.size).sort()).toEqual([1, 2]);
    await Promise.all([a.stop(), b.stop(), c.stop()]);
  });

  it('skips a record torn by a crash and keeps the records after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-cat-'));
    const a = createJsonlCatalog(dir);
    await a.start();
    await a.add(rec(1));
    await a.stop();
    appendFileSync(join(dir, 'catalog.jsonl'), '\n{"op":"add","asset":{"id":"00'); // killed mid-write
    const b = createJsonlCatalog(dir);
    await b.start();
    await b.add(rec(3));
    await b.edit(rec(3).id, { rating: 5, tags: ['x'] });
    await b.addDerived({
      asset: rec(3).id,
      kind: 'thumbnail',
      version: 1,
      blobs: { thumbnail: rec(9).original },
    });
    await b.stop();
    expect(readFileSync(join(dir, 'catalog.jsonl'), 'utf8')).toContain('"id":"00\n');
    const c = createJsonlCatalog(dir);
    await c.start();
    expect(c.size).toBe(2);
    expect(c.get(rec(3).id)).toMatchObject({ rating: 5, tags: ['x'] });
    expect(c.derived(rec(3).id).get('thumbnail')?.version).toBe(1);
    await c.stop();
  });

  it('writes records added at once in shared writes (group commit), each durable when its add resolves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-cat-'));
    const a = createJsonlCatalog(dir);
    await a.start();
    const durable: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        a.add(rec(i + 1)).then(() => {
          // By the time an add resolves, its record is in the file for any other reader.
          if (readFileSync(join(dir, 'catalog.jsonl'), 'utf8').includes(`"size":${i + 1},`)) durable.push(i);
        }),
      ),
    );
    expect(durable).toHaveLength(50);
    const b = createJsonlCatalog(dir);
    await b.start();
    expect(b.size).toBe(50);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a snapshot stands for the journal it was taken of: a start reads it and only the tail; a replaced journal voids it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-cat-'));
    const a = createJsonlCatalog(dir);
    await a.start();
    for (let i = 1; i <= 20; i++) await a.add(rec(i));
    await a.edit(rec(3).id, { rating: 4 });
    await a.addDerived({
      asset: rec(3).id,
      kind: 'images',
      version: 2,
      blobs: { thumbnail: rec(99).original },
    });
    expect(await a.tailBytes()).toBeGreaterThan(0);
    writeFileSync(join(dir, '.deadbeef.snapshot.tmp'), 'left by a killed writer');
    await a.compact();
    expect(await a.tailBytes()).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['catalog.jsonl', 'catalog.snapshot']);
    await a.add(rec(21)); // after the snapshot: read from the journal's tail
    await a.edit(rec(3).id, { rating: 5 });
    await a.stop();
    const b = createJsonlCatalog(dir);
    await b.start();
    expect(b.size).toBe(21);
    expect(b.get(rec(3).id)).toMatchObject({ rating: 5, original: rec(3).original });
    expect(b.derived(rec(3).id).get('images')).toMatchObject({ asset: rec(3).id, version: 2 });
    expect(await b.tailBytes()).toBeGreaterThan(0);
    expect(await b.tailBytes()).toBeLessThan(400);
    await b.stop();
    // Another journal in its place (restored from elsewhere): the snapshot no longer matches it.
    writeFileSync(
      join(dir, 'catalog.jsonl'),
      `\n${JSON.stringify({ op: 'add', asset: rec(50) })}\n`.repeat(60),
    );
    const c = createJsonlCatalog(dir);
    await c.start();
    expect([...c.assets()].map((r) => r.size)).toEqual([50]);
    await c.stop();
  });
});
