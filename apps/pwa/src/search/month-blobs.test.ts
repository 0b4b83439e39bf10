import { describe, expect, it } from 'vitest';
import { createMemoryMlBlobCache } from './ml-blob-cache.idb.ts';
import { createMonthBlobs } from './month-blobs.ts';

const bytes = (v: number) => new Uint8Array([v]);

describe('month blobs', () => {
  it('answers a month with its recorded blob while the listed one cannot be had, unless the month is loaded', async () => {
    const cache = createMemoryMlBlobCache();
    const node = new Map([['old', bytes(1)]]);
    let offline = false;
    const fetchBlob = (h: string) =>
      offline || !node.has(h) ? Promise.reject(new Error('offline')) : Promise.resolve(node.get(h)!);
    const first = createMonthBlobs(cache, fetchBlob);
    expect(await first.read('2024-07', 'old', false)).toEqual({ hash: 'old', bytes: bytes(1), older: false });
    await first.record(new Map([['2024-07', 'old']]));

    // A reload, offline, with July re-made on the node.
    offline = true;
    node.set('new', bytes(2));
    const again = createMonthBlobs(cache, fetchBlob);
    expect(await again.read('2024-07', 'new', false)).toEqual({ hash: 'old', bytes: bytes(1), older: true });
    // A month already loaded keeps what it has: the caller is told the fetch failed.
    await expect(again.read('2024-07', 'new', true)).rejects.toThrow('offline');
    // A month never read before has nothing to fall back on.
    await expect(again.read('2024-08', 'new', false)).rejects.toThrow('offline');

    offline = false;
    expect(await again.read('2024-07', 'new', true)).toEqual({ hash: 'new', bytes: bytes(2), older: false });
    await again.record(new Map([['2024-07', 'new']]));
    expect(await cache.monthHashes()).toEqual(new Map([['2024-07', 'new']]));
  });

  it('writes the record only when it changed', async () => {
    const cache = createMemoryMlBlobCache();
    let writes = 0;
    const counted = {
      ...cache,
      setMonthHashes: (m: ReadonlyMap<string, string>) => (writes++, cache.setMonthHashes(m)),
    };
    const blobs = createMonthBlobs(counted, () => Promise.reject(new Error('offline')));
    await blobs.record(new Map());
    await blobs.record(new Map([['2024-07', 'a']]));
    await blobs.record(new Map([['2024-07', 'a']]));
    await blobs.record(new Map([['2024-07', 'b']]));
    expect(writes).toBe(2);
  });
});
