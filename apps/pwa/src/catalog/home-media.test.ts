// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import {
  createBlobHttpHandler,
  createBlobTokenIssuer,
  createCatalog,
  type AssetId,
  type BlobHash,
} from '@hearth/sync';
import { createMemoryBlobStore, createTestRoot, fakeAssetId, fakeDeviceId } from '@hearth/sync/testing';
import { describe, expect, it, vi } from 'vitest';
import { createCatalogLibrary } from './catalog-library.ts';
import { createHomeMedia } from './home-media.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';

const device = fakeDeviceId(7);

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...d].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** The sync package's real HTTP blob handler and token issuer, called in-process. */
async function homeNode(paired = () => true, length = 300_000) {
  const store = createMemoryBlobStore();
  await store.start();
  const issuer = createBlobTokenIssuer({ key: new Uint8Array(32).fill(9), isPaired: paired });
  const handler = createBlobHttpHandler({ store, tokens: issuer });
  const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 255);
  const hash = await sha256(bytes);
  await store.put(bytes, { expected: hash as BlobHash });
  let mints = 0;
  const token = () => {
    mints++;
    return issuer.mint(device);
  };
  return { handler, store, hash, bytes, token, mints: () => mints };
}

describe('home media over the HTTP blob endpoint', () => {
  it('fetches a blob with a token minted once and verifies it', async () => {
    const home = await homeNode();
    const media = createHomeMedia({ baseUrl: 'http://node.test', token: home.token, fetch: home.handler });
    const a = await media.blob(home.hash);
    expect(new Uint8Array(await a.arrayBuffer())).toEqual(home.bytes);
    await media.blob(home.hash);
    expect(home.mints()).toBe(1);
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

describe('backing up to the home node', () => {
  /** A node speaking the resumable upload protocol in memory; `failAt` breaks that PUT off. */
  function uploadNode(failAt?: number) {
    let held = new Uint8Array(0);
    let done: Uint8Array | undefined;
    let puts = 0;
    const fetch = async (r: Request): Promise<Response> => {
      if (r.method === 'HEAD')
        return new Response(null, { status: 200, headers: { 'upload-offset': String(held.length) } });
      puts++;
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.headers.get('content-range') ?? '');
      if (!range) throw new Error('expected a piece');
      const [start, , total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (start !== held.length)
        return new Response(null, { status: 409, headers: { 'upload-offset': String(held.length) } });
      const body = new Uint8Array(await r.arrayBuffer());
      if (puts === failAt) {
        // Half the piece arrived, then the connection dropped.
        held = new Uint8Array([...held, ...body.subarray(0, body.length >> 1)]);
        throw new TypeError('network error');
      }
      held = new Uint8Array([...held, ...body]);
      if (held.length < total)
        return new Response(null, { status: 202, headers: { 'upload-offset': String(held.length) } });
      done = held;
      return new Response('{}', { status: 201 });
    };
    return { fetch, done: () => done };
  }

  it('an interrupted upload resumes from what the node holds, sending less than the whole file', async () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 13) & 255);
    const node = uploadNode(3);
    let sent = 0;
    const media = createHomeMedia({
      baseUrl: 'http://node.test',
      token: async () => ({ token: 't', expiresAt: Date.now() + 600_000 }),
      fetch: node.fetch,
      uploadPiece: 1000,
      onSent: (n) => (sent += n),
    });
    const hash = await sha256(bytes);
    await expect(media.upload(hash, new Blob([bytes]), 'big.jpg')).rejects.toThrow('network error');
    expect(node.done()).toBeUndefined();
    sent = 0;
    const seen: number[] = [];
    await media.upload(hash, new Blob([bytes]), 'big.jpg', (done, total) => seen.push(done / total));
    expect(node.done()).toEqual(bytes);
    // Progress is what the node holds of the whole: from where it stood, piece by piece, to 1.
    expect(seen).toEqual([0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 1]);
    // 2.5 pieces were held: the second attempt sends the other 7,500 bytes.
    expect(sent).toBe(7500);
  });

  it('a node without resumable uploads gets the whole file in one PUT', async () => {
    const seen: string[] = [];
    const media = createHomeMedia({
      baseUrl: 'http://node.test',
      token: async () => ({ token: 't', expiresAt: Date.now() + 600_000 }),
      fetch: async (r) => {
        seen.push(
          `${r.method} ${r.headers.get('content-range') ?? '-'} ${(await r.arrayBuffer()).byteLength}`,
        );
        return new Response(null, { status: r.method === 'HEAD' ? 404 : 201 });
      },
      uploadPiece: 10,
    });
    await media.upload('ab'.repeat(32), new Blob([new Uint8Array(25)]), 'x.jpg');
    expect(seen).toEqual(['HEAD - 0', 'PUT - 25']);
  });

  it('holds() is the node saying it has the blob (200), not (404), or an error', async () => {
    const home = await homeNode();
    const media = createHomeMedia({ baseUrl: 'http://node.test', token: home.token, fetch: home.handler });
    expect(await media.holds(home.hash)).toBe(true);
    expect(await media.holds('cd'.repeat(32))).toBe(false);
    const down = createHomeMedia({
      baseUrl: 'http://node.test',
      token: home.token,
      fetch: async () => new Response(null, { status: 502 }),
    });
    await expect(down.holds(home.hash)).rejects.toMatchObject({ code: 'BLOB_FETCH_FAILED' });
  });
});

describe('free up space', () => {
  it('removes only originals the node confirms it holds; an opened one comes back from the node', async () => {
    const home = await homeNode();
    const repo = new Repo({ network: [] });
    const root = createTestRoot(repo);
    const catalog = createCatalog({ repo, root, deviceId: device });
    // The home node's own writes (same documents): it records itself as a holder.
    const nodeSide = createCatalog({ repo, root, deviceId: fakeDeviceId(8) });
    const cache = await openIdbMediaCache('free-up-space');
    const remote = createHomeMedia({ baseUrl: 'http://node.test/', token: home.token, fetch: home.handler });
    const lib = createCatalogLibrary({
      catalog,
      media: cache,
      deviceId: device,
      remote,
      holds: remote.holds,
    });
    await Promise.all([lib.start(), nodeSide.start()]);
    try {
      const other = Uint8Array.from({ length: 5000 }, (_, i) => i & 255);
      const mine = Uint8Array.from({ length: 700 }, (_, i) => (i * 3) & 255);
      const rec = (id: string, bytes: Uint8Array<ArrayBuffer>) => ({
        id,
        type: 'image' as const,
        mime: 'image/jpeg',
        size: bytes.length,
        capturedAt: 1e12,
        width: 3,
        height: 2,
        original: new Blob([bytes]),
      });
      const [held, stale, local] = [home.hash, await sha256(other), await sha256(mine)];
      await lib.addAssets([rec(held, home.bytes), rec(stale, other), rec(local, mine)]);
      // The catalog says the node holds `held` and `stale`; its store has only `held`.
      await nodeSide.addAssets(
        [held, stale].map((id) => {
          const { original: _o, ...r } = rec(id, home.bytes);
          return { ...r, id: id as AssetId };
        }),
      );
      expect(await lib.spaceToFree!()).toEqual({ count: 2, bytes: home.bytes.length + other.length });
      expect(await lib.freeUpSpace!()).toEqual({ freed: 1, bytes: home.bytes.length, kept: 1 });
      expect(await cache.get(held, 'original')).toBeUndefined();
      expect((await cache.get(stale, 'original'))?.size).toBe(other.length);
      expect((await cache.get(local, 'original'))?.size).toBe(mine.length);
      // Opened again: fetched from the node, verified, shown.
      const back = await lib.mediaBlob(held, 'original');
      expect(new Uint8Array(await back!.arrayBuffer())).toEqual(home.bytes);
      expect(await lib.spaceToFree!()).toMatchObject({ count: 2 });
    } finally {
      await lib.stop();
      await nodeSide.stop();
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
      expect(await lib.mediaBlob(id, 'thumbnail')).toEqual(old);
      // The node's own thumbnail arrives in the catalog (the row's `thumb` is its hash).
      catalog.setDerived(id, { thumbnail: { hash: home.hash as BlobHash, pipeline: 2 } });
      up = false;
      expect(await lib.mediaBlob(id, 'thumbnail', home.hash)).toEqual(old); // offline: the old one
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
