// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { blobOf } from './blob-bytes.ts';
import { INLINE_MAX, openIdbMediaCache } from './media-cache.idb.ts';

const bytes = (length: number, seed = 1) => Uint8Array.from({ length }, (_, i) => (i * seed + 7) & 255);
let n = 0;

describe('the IndexedDB media cache', () => {
  it('keeps a small medium as bytes and a large one as a Blob; both read back whole, typed, with their hash', async () => {
    const name = `media-cache-${n++}`;
    const cache = await openIdbMediaCache(name);
    const small = bytes(9_000);
    const large = bytes(INLINE_MAX + 1, 3);
    await Promise.all([
      cache.put('a', 'thumbnail', blobOf(small.buffer, 'image/webp'), 'h-thumb'),
      cache.put('a', 'original', new Blob([large], { type: 'image/jpeg' }), 'a'),
      cache.put('b', 'thumbnail', new Blob([bytes(10, 5)], { type: 'image/webp' })),
    ]);
    const t = await cache.get('a', 'thumbnail');
    expect(t?.type).toBe('image/webp');
    expect(new Uint8Array(await t!.arrayBuffer())).toEqual(small);
    const o = await cache.get('a', 'original');
    expect(o?.type).toBe('image/jpeg');
    expect(new Uint8Array(await o!.arrayBuffer())).toEqual(large);
    expect(await cache.hashOf('a', 'thumbnail')).toBe('h-thumb');
    expect(await cache.hashOf('b', 'thumbnail')).toBeUndefined();
    expect(await cache.held('thumbnail')).toEqual([
      { asset: 'a', size: 9_000 },
      { asset: 'b', size: 10 },
    ]);
    expect(await cache.held('original')).toEqual([{ asset: 'a', size: INLINE_MAX + 1 }]);
    cache.close();
    // What is on disk: the thumbnail's bytes inline, the original a Blob.
    const db = await openDB(name);
    expect((await db.get('media', 'a/thumbnail')) as unknown).toMatchObject({ type: 'image/webp' });
    expect(await db.get('media', 'a/original')).toBeInstanceOf(Blob);
    db.close();
  });

  it('reads entries stored as Blobs by earlier versions', async () => {
    const name = `media-cache-${n++}`;
    const db = await openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore('media');
      },
    });
    await db.put('media', new Blob([bytes(50)], { type: 'image/webp' }), 'x/thumbnail');
    db.close();
    const cache = await openIdbMediaCache(name);
    expect((await cache.get('x', 'thumbnail'))?.size).toBe(50);
    expect(await cache.held('thumbnail')).toEqual([{ asset: 'x', size: 50 }]);
    cache.close();
  });

  it('a remove asked right after a put wins (writes apply in order)', async () => {
    const cache = await openIdbMediaCache(`media-cache-${n++}`);
    const put = cache.put('a', 'thumbnail', new Blob([bytes(100)]), 'h');
    const removed = cache.remove('a', 'thumbnail');
    await Promise.all([put, removed]);
    expect(await cache.get('a', 'thumbnail')).toBeUndefined();
    expect(await cache.hashOf('a', 'thumbnail')).toBeUndefined();
    await cache.put('a', 'preview', new Blob([bytes(100)]));
    await cache.delete('a');
    expect(await cache.held('preview')).toEqual([]);
    cache.close();
  });
});
