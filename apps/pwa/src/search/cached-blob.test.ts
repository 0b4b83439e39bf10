import { describe, expect, it } from 'vitest';
import { cachedBlob } from './cached-blob.ts';
import { createMemoryMlBlobCache } from './ml-blob-cache.idb.ts';

describe('cachedBlob', () => {
  it('fetches a blob the device lacks once, keeps it, and answers from the cache after', async () => {
    const cache = createMemoryMlBlobCache();
    const fetched: string[] = [];
    const fetchBlob = async (h: string) => (fetched.push(h), new Uint8Array([1, 2, 3]));
    expect(await cachedBlob(cache, fetchBlob, 'a')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await cachedBlob(cache, fetchBlob, 'a')).toEqual(new Uint8Array([1, 2, 3]));
    expect(fetched).toEqual(['a']);
    expect(await cache.get('a')).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('keeps nothing when the fetch fails', async () => {
    const cache = createMemoryMlBlobCache();
    await expect(cachedBlob(cache, () => Promise.reject(new Error('offline')), 'b')).rejects.toThrow(
      'offline',
    );
    expect(await cache.get('b')).toBeUndefined();
  });
});
