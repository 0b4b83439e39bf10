// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
/** Sending originals to the home node: resumable backup, and freeing the space once it holds them. */
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import { createCatalog, type AssetId } from '@hearth/sync';
import { createTestRoot, fakeDeviceId } from '@hearth/sync/testing';
import { describe, expect, it } from 'vitest';
import { createCatalogLibrary } from './catalog-library.ts';
import { createHomeMedia } from './home-media.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';
import { device, homeNode, sha256 } from './test-home-node.ts';

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
