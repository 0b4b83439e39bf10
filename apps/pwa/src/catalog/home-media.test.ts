// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import { createCatalog, type BlobHash } from '@hearth/sync';
import { createTestRoot, fakeAssetId } from '@hearth/sync/testing';
import { describe, expect, it, vi } from 'vitest';
import { createCatalogLibrary } from './catalog-library.ts';
import { createHomeMedia } from './home-media.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';
import { bytesOf, device, homeNode } from './test-home-node.ts';

describe('home media over the HTTP blob endpoint', () => {
  it('fetches a blob with a token minted once and verifies it', async () => {
    const home = await homeNode();
    const media = createHomeMedia({ baseUrl: 'http://node.test', token: home.token, fetch: home.handler });
    const a = await media.blob(home.hash);
    expect(new Uint8Array(await a.arrayBuffer())).toEqual(home.bytes);
    await media.blob(home.hash);
    expect(home.mints()).toBe(1);
  });

  it('fetches from whichever node the base URL names now, with a token minted for that node', async () => {
    const home = await homeNode();
    let base = 'http://node-a.test';
    const asked: string[] = [];
    const minted: string[] = [];
    const media = createHomeMedia({
      baseUrl: () => base,
      token: async () => (minted.push(base), home.token()),
      fetch: async (r) => (asked.push(new URL(r.url).origin), home.handler(r)),
    });
    await media.blob(home.hash);
    await media.blob(home.hash);
    // The first node goes down and a second home node serves: a fresh token, from the second.
    base = 'http://node-b.test';
    await media.blob(home.hash);
    expect(asked).toEqual(['http://node-a.test', 'http://node-a.test', 'http://node-b.test']);
    expect(minted).toEqual(['http://node-a.test', 'http://node-b.test']);
  });

  it('streams a blob above the whole-read size through an incremental hash, and still refuses bad bytes', async () => {
    const home = await homeNode();
    const media = createHomeMedia({
      baseUrl: 'http://node.test',
      token: home.token,
      fetch: home.handler,
      wholeMax: 1000,
    });
    const a = await media.blob(home.hash, 'video/mp4');
    expect(a.type).toBe('video/mp4');
    expect(new Uint8Array(await a.arrayBuffer())).toEqual(home.bytes);
    const flipped = async (r: Request) => {
      const res = await home.handler(r);
      const b = new Uint8Array(await res.arrayBuffer());
      b[b.length - 1]! ^= 1;
      return new Response(b, { status: res.status, headers: res.headers });
    };
    const bad = createHomeMedia({
      baseUrl: 'http://node.test',
      token: home.token,
      fetch: flipped,
      wholeMax: 1000,
    });
    await expect(bad.blob(home.hash)).rejects.toMatchObject({ code: 'BLOB_VERIFY_FAILED' });
  });

  it('re-mints a token a minute before it expires (expiresAt in ms, as the issuer gives it)', async () => {
    const home = await homeNode();
    let clock = Date.now();
    const media = createHomeMedia({
      baseUrl: 'http://node.test',
      token: home.token,
      fetch: home.handler,
      now: () => clock,
    });
    await media.blob(home.hash);
    clock += 8 * 60_000; // the issuer's tokens live 10 minutes
    await media.blob(home.hash);
    expect(home.mints()).toBe(1);
    clock += 90_000;
    await media.blob(home.hash);
    expect(home.mints()).toBe(2);
  });

  it('refuses bytes that do not match their address', async () => {
    const home = await homeNode();
    const tamper = async (r: Request) => {
      const res = await home.handler(r);
      const b = new Uint8Array(await res.arrayBuffer());
      b[0] = b[0]! ^ 1;
      return new Response(b, { status: res.status });
    };
    const media = createHomeMedia({ baseUrl: 'http://node.test', token: home.token, fetch: tamper });
    await expect(media.blob(home.hash)).rejects.toMatchObject({ code: 'BLOB_VERIFY_FAILED' });
  });

  it('a small blob (a thumbnail, read as bytes) is verified too, and keeps its type', async () => {
    const home = await homeNode(undefined, 9_000);
    let tampering = false;
    const fetch = async (r: Request) => {
      const res = await home.handler(r);
      if (!tampering) return res;
      const b = new Uint8Array(await res.arrayBuffer());
      b[100] = b[100]! ^ 1;
      return new Response(b, { status: res.status, headers: res.headers });
    };
    const media = createHomeMedia({ baseUrl: 'http://node.test', token: home.token, fetch });
    const a = await media.blob(home.hash, 'image/webp');
    expect(a.type).toBe('image/webp');
    expect(new Uint8Array(await a.arrayBuffer())).toEqual(home.bytes);
    tampering = true;
    await expect(media.blob(home.hash)).rejects.toMatchObject({ code: 'BLOB_VERIFY_FAILED' });
  });

  it('a removed device gets a typed error', async () => {
    const home = await homeNode(() => false);
    const media = createHomeMedia({ baseUrl: 'http://node.test', token: home.token, fetch: home.handler });
    await expect(media.blob(home.hash)).rejects.toMatchObject({ code: 'BLOB_FORBIDDEN' });
  });

  it('the catalog library shows an original it fetches from the home node and keeps it', async () => {
    const home = await homeNode();
    const repo = new Repo({ network: [] });
    const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId: device });
    const cache = await openIdbMediaCache('home-media-lib');
    const remote = createHomeMedia({ baseUrl: 'http://node.test/', token: home.token, fetch: home.handler });
    const lib = createCatalogLibrary({ catalog, media: cache, deviceId: device, remote });
    await lib.start();
    try {
      await lib.addAssets([
        {
          id: home.hash,
          type: 'image',
          mime: 'image/jpeg',
          size: home.bytes.length,
          capturedAt: 1e12,
          width: 3,
          height: 2,
        },
      ]);
      expect(await lib.mediaUrl(home.hash, 'original')).toMatch(/^blob:/);
      expect(await lib.mediaUrl(home.hash, 'thumbnail')).toBeUndefined();
      // Stored behind the display: kept once the store is done.
      await vi.waitFor(async () =>
        expect((await cache.get(home.hash, 'original'))?.size).toBe(home.bytes.length),
      );
    } finally {
      await lib.stop();
      await repo.shutdown();
    }
  });
});

describe('video playback from the home node', () => {
  it('streams a video the device does not hold by a tokened URL (its playback ref, else the original)', async () => {
    const home = await homeNode();
    const repo = new Repo({ network: [] });
    const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId: device });
    const cache = await openIdbMediaCache('home-media-video');
    const remote = createHomeMedia({ baseUrl: 'http://node.test/', token: home.token, fetch: home.handler });
    const lib = createCatalogLibrary({
      catalog,
      media: cache,
      deviceId: device,
      remote,
      streamUrl: remote.streamUrl,
    });
    await lib.start();
    try {
      const video = fakeAssetId(1);
      const photo = fakeAssetId(2);
      await catalog.addAssets([
        { id: video, type: 'video', mime: 'video/mp4', size: 9, capturedAt: 1e12, width: 3, height: 2 },
        { id: photo, type: 'image', mime: 'image/jpeg', size: 9, capturedAt: 1e12, width: 3, height: 2 },
      ]);
      // No transcode yet: the original streams.
      const first = new URL((await lib.mediaUrl(video, 'playback'))!);
      expect(first.pathname).toBe(`/blobs/${video}`);
      catalog.setDerived(video, { playback: { hash: home.hash as BlobHash, pipeline: 1 } });
      const url = (await lib.streamUrl(video))!;
      expect(new URL(url).pathname).toBe(`/blobs/${home.hash}`);
      // What a <video> does: GET with Range and no headers but the URL's token.
      const part = await home.handler(new Request(url, { headers: { range: 'bytes=0-9' } }));
      expect(part.status).toBe(206);
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(home.bytes.subarray(0, 10));
      expect(await lib.streamUrl(photo)).toBeUndefined();
      expect(await lib.mediaBlob(video, 'playback')).toBeUndefined(); // nothing downloaded
    } finally {
      await lib.stop();
      await repo.shutdown();
    }
  });
});

describe('media cache by hash', () => {
  it('a thumbnail the node derived again is fetched again, asked with or without its hash; offline the old one is still shown', async () => {
    const home = await homeNode();
    const repo = new Repo({ network: [] });
    const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId: device });
    const cache = await openIdbMediaCache('media-by-hash');
    let up = true;
    const remote = createHomeMedia({
      baseUrl: 'http://node.test/',
      token: home.token,
      fetch: async (r) => (up ? home.handler(r) : Promise.reject(new TypeError('offline'))),
    });
    const lib = createCatalogLibrary({ catalog, media: cache, deviceId: device, remote });
    await lib.start();
    try {
      const id = fakeAssetId(3);
      const old = new Blob([new Uint8Array([1, 2, 3])]);
      await lib.addAssets([
        {
          id,
          type: 'image',
          mime: 'image/jpeg',
          size: 9,
          capturedAt: 1e12,
          width: 3,
          height: 2,
          thumbnail: old,
        },
      ]);
      // Made here ('local'); asked without a hash it is what is shown.
      expect(await bytesOf(lib.mediaBlob(id, 'thumbnail'))).toEqual(new Uint8Array([1, 2, 3]));
      // The node's own thumbnail arrives in the catalog (the row's `thumb` is its hash).
      catalog.setDerived(id, { thumbnail: { hash: home.hash as BlobHash, pipeline: 2 } });
      up = false;
      // Offline: the old one.
      expect(await bytesOf(lib.mediaBlob(id, 'thumbnail', home.hash))).toEqual(new Uint8Array([1, 2, 3]));
      up = true;
      const fresh = await lib.mediaBlob(id, 'thumbnail', home.hash);
      expect(new Uint8Array(await fresh!.arrayBuffer())).toEqual(home.bytes);
      await vi.waitFor(async () => expect(await cache.hashOf(id, 'thumbnail')).toBe(home.hash));
      // Held now under that hash: not fetched again.
      up = false;
      expect((await lib.mediaBlob(id, 'thumbnail', home.hash))?.size).toBe(home.bytes.length);
      // Asked without a hash (the viewer, an album cover): the catalog's current one is wanted.
      expect((await lib.mediaBlob(id, 'thumbnail'))?.size).toBe(home.bytes.length);
      const again = Uint8Array.from({ length: 700 }, (_, i) => (i * 5) & 255);
      const againHash = (await home.store.put(again)).hash;
      catalog.setDerived(id, { thumbnail: { hash: againHash, pipeline: 3 } });
      up = true;
      expect(new Uint8Array(await (await lib.mediaBlob(id, 'thumbnail'))!.arrayBuffer())).toEqual(again);
      await vi.waitFor(async () => expect(await cache.hashOf(id, 'thumbnail')).toBe(againHash));
    } finally {
      await lib.stop();
      await repo.shutdown();
    }
  });
});
