// @vitest-environment node
// Machine words in the worker's search: the home node's ML document and people document synced
// to this device (automerge-repo in memory, two linked repos), month blobs fetched once, then
// answered from the cache with the home node gone.
import 'fake-indexeddb/auto';
import { encodeMlMonthText } from '@hearth/ml';
import {
  createCatalog,
  openMlCatalog,
  openPeopleCatalog,
  type PeopleCatalog,
  type PersonId,
} from '@hearth/sync';
import { fakeDeviceId } from '@hearth/sync/testing';
import { describe, expect, it, vi } from 'vitest';
import { createCatalogLibrary } from '../catalog/catalog-library.ts';
import { openIdbMediaCache } from '../catalog/media-cache.idb.ts';
import { createLibrarySearch, type LibrarySearch } from './library-search.ts';
import { createMemoryMlBlobCache, openIdbMlBlobCache } from './ml-blob-cache.idb.ts';
import { hex, useMlTestHome } from './ml-test-home.ts';
import { createMlSearchSource } from './ml-search-source.ts';

const DOG = hex(1);
const SIGN = hex(2);
const ADA = hex(3);

const t = useMlTestHome();
const stops = t.stops;

/** The home node: the month blob in the ML document, the people document (one named person). */
async function homeNode() {
  const home = await t.home();
  const july = await encodeMlMonthText({
    month: '2024-07',
    models: { tags: 'yolox@1', ocr: 'ppocr@1' },
    assets: {
      [DOG]: {
        tags: [
          { label: 'dog', confidence: 0.9 },
          { label: 'bicycle', confidence: 0.7 },
        ],
      },
      [SIGN]: { ocr: 'OPEN DAILY 12345' },
    },
  });
  home.ml.setMonth('text', '2024-07', { hash: home.put(july), models: 'x', source: 's', assets: 2 });
  const people: PeopleCatalog = await openPeopleCatalog({ repo: home.repo, root: home.root });
  people.applyClustering(
    'm@1',
    new Map([
      [`${ADA}/0`, 'personA0001'],
      [`${DOG}/1`, 'personB0001'],
    ]),
  );
  people.rename('personA0001' as PersonId, 'Ada Lovelace');
  return { ...home, people };
}

describe('ML words in the PWA search (offline, from synced data)', { timeout: 30_000 }, () => {
  it('finds photos by machine tag, OCR word and person name; follows renames; answers offline from the cache', async () => {
    const home = await homeNode();
    const { repo, root, link } = await t.device(home, (r) => Boolean(r.ml && r.people));
    const deviceId = fakeDeviceId(2);
    const lib = createCatalogLibrary({
      catalog: createCatalog({ repo, root, deviceId }),
      media: await openIdbMediaCache('ml-search-media'),
      deviceId,
    });
    await lib.start();
    const at = Date.UTC(2024, 6, 10);
    await lib.addAssets(
      [DOG, SIGN, ADA].map((id, i) => ({
        id,
        type: 'image' as const,
        mime: 'image/jpeg',
        size: 100 + i,
        capturedAt: at + i,
        width: 4,
        height: 3,
        fileName: `img_${i}.jpg`,
      })),
    );
    const fetched: string[] = [];
    const cache = await openIdbMlBlobCache('ml-search-blobs');
    const ml = createMlSearchSource({
      repo,
      root,
      cache,
      fetchBlob: (h) => (fetched.push(h), home.fetch(h)),
    });
    const s: LibrarySearch = createLibrarySearch(lib, ml);
    stops.push(() => s.stop());
    await s.ready;
    const ids = async (q: string) => (await s.search(q)).items.map((i) => i.id);
    await vi.waitFor(async () => expect(await ids('dog')).toEqual([DOG]));
    expect(await ids('bicycle')).toEqual([DOG]);
    expect(await ids('12345')).toEqual([SIGN]);
    expect(await ids('daily')).toEqual([SIGN]);
    await vi.waitFor(async () => expect(await ids('lovelace')).toEqual([ADA]));
    // An unnamed person gives no words; naming them on any device makes their photos findable.
    expect(await ids('bob')).toEqual([]);
    home.people.rename('personB0001' as PersonId, 'Bob');
    await vi.waitFor(async () => expect(await ids('bob')).toEqual([DOG]));
    expect(fetched).toHaveLength(1);

    // The home node goes away. A fresh start of the search (a reload) answers from the cache.
    link.disconnect();
    s.stop();
    stops.pop();
    const offline = createLibrarySearch(
      lib,
      createMlSearchSource({ repo, root, cache, fetchBlob: () => Promise.reject(new Error('offline')) }),
    );
    stops.push(() => offline.stop());
    await offline.ready;
    expect((await offline.search('12345')).items.map((i) => i.id)).toEqual([SIGN]);
    expect((await offline.search('dog bob')).items.map((i) => i.id)).toEqual([DOG]);
  });

  it('a month it cannot fetch yet is tried again on the next change; a replaced month replaces its words', async () => {
    const home = await homeNode();
    const { repo, root } = await t.device(home);
    let online = false;
    const changed: string[][] = [];
    const ml = createMlSearchSource({
      repo,
      root,
      cache: createMemoryMlBlobCache(),
      fetchBlob: async (h) => {
        if (!online) throw new Error('offline');
        return home.fetch(h);
      },
    });
    stops.push(() => ml.stop());
    ml.onChange((ids) => changed.push(ids));
    await ml.ready;
    expect(ml.words(DOG)?.tags ?? []).toEqual([]);
    online = true;
    const next = await encodeMlMonthText({
      month: '2024-07',
      models: { tags: 'yolox@2' },
      assets: { [DOG]: { tags: [{ label: 'wolf', confidence: 0.8 }] } },
    });
    home.ml.setMonth('text', '2024-07', { hash: home.put(next), models: 'y', source: 't', assets: 1 });
    await vi.waitFor(() => expect(ml.words(DOG)?.tags).toEqual(['wolf']));
    expect(ml.words(SIGN)?.ocr).toBeUndefined();
    expect(changed.flat()).toContain(DOG);
  });

  it("a month's newer blob not fetched before going offline: the one before still answers, also after a reload", async () => {
    const home = await homeNode();
    const { repo, root, link } = await t.device(home);
    const cache = createMemoryMlBlobCache();
    let offline = false;
    const asked: string[] = [];
    const fetchBlob = (h: string) => {
      asked.push(h);
      return offline ? Promise.reject(new Error('offline')) : home.fetch(h);
    };
    const start = async () => {
      const ml = createMlSearchSource({ repo, root, cache, fetchBlob, retryMs: 200 });
      stops.push(() => ml.stop());
      await ml.ready;
      return ml;
    };
    const online = await start();
    await vi.waitFor(() => expect(online.words(DOG)?.tags).toEqual(['dog', 'bicycle']));

    // The node re-makes July; the device hears of it but cannot fetch it any more.
    offline = true;
    const next = await encodeMlMonthText({
      month: '2024-07',
      models: { tags: 'yolox@2' },
      assets: { [DOG]: { tags: [{ label: 'wolf', confidence: 0.8 }] } },
    });
    const newer = home.put(next);
    home.ml.setMonth('text', '2024-07', { hash: newer, models: 'y', source: 't', assets: 1 });
    await vi.waitFor(() => expect(asked).toContain(newer));
    expect(online.words(DOG)?.tags).toEqual(['dog', 'bicycle']);

    // A reload with the node gone: July's earlier blob was kept and answers.
    online.stop();
    link.disconnect();
    const reloaded = await start();
    expect(reloaded.words(DOG)?.tags).toEqual(['dog', 'bicycle']);
    expect(reloaded.words(SIGN)?.ocr).toBe('OPEN DAILY 12345');
    // Back online, the listed blob replaces it.
    offline = false;
    await vi.waitFor(() => expect(reloaded.words(DOG)?.tags).toEqual(['wolf']), { timeout: 20_000 });
    expect(await cache.monthHashes()).toEqual(new Map([['2024-07', newer]]));
  });

  it("a device's own tags (the ML document's devices map) are words until the node's month has the photo", async () => {
    const home = await homeNode();
    const { repo, root } = await t.device(home);
    const ml = createMlSearchSource({ repo, root, cache: createMemoryMlBlobCache(), fetchBlob: home.fetch });
    stops.push(() => ml.stop());
    await ml.ready;
    const mine = await openMlCatalog({ repo, root });
    const UMBRELLA = hex(9);
    mine.setDeviceResult('phone', UMBRELLA, 'tags', {
      model: 'yolox-nano@1',
      json: '[{"label":"umbrella","confidence":0.7},{"label":"person","confidence":0.6}]',
    });
    mine.setDeviceResult('phone', DOG, 'tags', {
      model: 'yolox-nano@1',
      json: '[{"label":"cat","confidence":0.5}]',
    });
    mine.setDeviceResult('tablet', SIGN, 'tags', { model: 'yolox-nano@1', json: 'not json' });
    await vi.waitFor(() => expect(ml.words(UMBRELLA)?.tags).toEqual(['umbrella', 'person']));
    // The node's results win for a photo its month has; a malformed device result gives nothing.
    await vi.waitFor(() => expect(ml.words(DOG)?.tags).toEqual(['dog', 'bicycle']));
    expect(ml.words(SIGN)?.tags).toEqual([]);
  });

  it("a device's own OCR text is searchable words until the node's month has the photo", async () => {
    const home = await homeNode();
    const { repo, root } = await t.device(home);
    const ml = createMlSearchSource({ repo, root, cache: createMemoryMlBlobCache(), fetchBlob: home.fetch });
    stops.push(() => ml.stop());
    await ml.ready;
    const mine = await openMlCatalog({ repo, root });
    const RECEIPT = hex(10);
    const key = 'ppocr-v4-det@4+ppocr-v4-rec@4+ppocr-mobile-v2-cls@2.0';
    mine.setDeviceResult('phone', RECEIPT, 'ocr', { model: key, json: '{"text":"Invoice #12345"}' });
    mine.setDeviceResult('phone', DOG, 'ocr', { model: key, json: '{"text":"not the node’s word"}' });
    mine.setDeviceResult('tablet', hex(11), 'ocr', { model: key, json: '{"text":3}' });
    await vi.waitFor(() =>
      expect(ml.words(RECEIPT)).toEqual({ tags: [], people: [], ocr: 'Invoice #12345' }),
    );
    // The node's month has DOG (with no text): its results win; a malformed result gives nothing.
    expect(ml.words(DOG)?.ocr).toBeUndefined();
    expect(ml.words(hex(11))).toBeUndefined();
  });
});
