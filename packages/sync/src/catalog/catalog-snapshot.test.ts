import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Repo } from '@automerge/automerge-repo';
import { decode, encode } from 'cborg';
import * as lp from 'it-length-prefixed';
import type { Libp2p } from '@libp2p/interface';
import type { PeerAccess } from '../net/peer-access.ts';
import { connectPeers } from '../net/connect-peers.ts';
import { createPeerNode } from '../net/create-peer-node.node.ts';
import { LOOPBACK_TCP } from '../net/loopback-stream.ts';
import { Libp2pNetworkAdapter } from '../net/libp2p-network-adapter.ts';
import { streamSource } from '../net/stream-source.ts';
import { drained } from '../net/stream-drain.ts';
import {
  CATALOG_SNAPSHOT_PROTOCOL,
  CATALOG_SNAPSHOT_PROTOCOL_V1,
  fetchCatalogSnapshot,
  serveCatalogSnapshots,
  SnapshotTruncatedError,
} from './catalog-snapshot.ts';
import { createCatalog } from './create-catalog.ts';
import { createCatalogStorage } from './platform.node.ts';
import type { RootDoc } from './root-doc.ts';
import { createTestRoot, fakeAssetId, fakeDeviceId, sampleAsset, waitUntil } from './test-library.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const dirs: string[] = [];
// automerge-repo's throttled sync-state saves outlive shutdown: each storage is closed after its
// repo's shutdown (the close is pushed first, so it runs after), and the directories go at the end.
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 5 }))));
async function storage() {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-snap-'));
  dirs.push(dir);
  const s = createCatalogStorage(dir);
  cleanup.push(() => s.close());
  return s;
}

const allow = (who: () => string): PeerAccess => ({
  isPaired: (p) => p === who(),
  onRevoked: () => () => {},
});

async function homeWithLibrary(access: (client: () => string) => PeerAccess, stored = false) {
  const node = await createPeerNode(LOOPBACK_TCP);
  const client = await createPeerNode(LOOPBACK_TCP);
  cleanup.push(
    async () => node.stop(),
    async () => client.stop(),
  );
  const repo = stored ? new Repo({ storage: await storage() }) : new Repo();
  cleanup.push(() => repo.shutdown());
  const root = createTestRoot(repo);
  const catalog = createCatalog({
    repo,
    root,
    deviceId: fakeDeviceId(1),
    ...(stored ? { lazyShards: { maxOpen: 1, idleMs: 0 } } : {}),
  });
  await catalog.start();
  cleanup.push(() => catalog.stop());
  await catalog.addAssets(
    Array.from({ length: 60 }, (_, i) =>
      sampleAsset(i + 1, { capturedAt: Date.UTC(2020 + (i % 5), i % 12, 3) }),
    ),
  );
  catalog.setFavorite(fakeAssetId(7), true);
  await catalog.flush();
  const album = await catalog.createAlbum('Snap');
  catalog.addToAlbum(album, [fakeAssetId(1), fakeAssetId(2)]);
  const server = serveCatalogSnapshots({ node, repo, root, access: access(() => client.peerId.toString()) });
  await server.start();
  cleanup.push(() => server.stop());
  await connectPeers(client, node);
  return { node, client, repo, root, catalog, album };
}

/** Ordinary automerge-repo sync between the home's repo and `repo` (on the home's client node). */
function syncWithHome(home: Awaited<ReturnType<typeof homeWithLibrary>>, repo: Repo): void {
  home.repo.networkSubsystem.addNetworkAdapter(
    new Libp2pNetworkAdapter({ node: home.node, access: allow(() => home.client.peerId.toString()) }),
  );
  repo.networkSubsystem.addNetworkAdapter(
    new Libp2pNetworkAdapter({ node: home.client, access: allow(() => home.node.peerId.toString()) }),
  );
}

/**
 * A dialer whose snapshot frames pass through `damage` (by month); records shard doc ids.
 * `keep` cuts the snapshot after that many frames (the end frame is one), as a server or
 * relay that stopped midway would, ending the stream cleanly.
 */
function tamperingDialer(
  node: Pick<Libp2p, 'dialProtocol'>,
  damage: Record<string, (b: Uint8Array) => Uint8Array>,
  ids = new Map<string, string>(),
  keep = Infinity,
): Pick<Libp2p, 'dialProtocol'> {
  return {
    dialProtocol: (async (peer: never, protocol: never) => {
      const stream = await node.dialProtocol(peer, protocol);
      const frames: Uint8Array[] = [];
      for await (const c of lp.decode(streamSource(stream))) {
        const f = decode(c.subarray()) as { k: string; key: string; id: string; b: Uint8Array };
        if (f.k === 'shard') {
          const key = f.key.split('/')[0]!;
          ids.set(key, f.id);
          if (damage[key]) f.b = damage[key](f.b);
        }
        frames.push(encode(f));
      }
      await stream.close();
      return Object.assign(lp.encode(frames.slice(0, keep)), { protocol: stream.protocol });
    }) as never,
  };
}

describe('catalog snapshot bootstrap', { timeout: 60_000 }, () => {
  it('a paired device gets root, newest shards first, albums; then sync completes the rest', async () => {
    const home = await homeWithLibrary(allow);
    const repo = new Repo();
    cleanup.push(() => repo.shutdown());
    const order: string[] = [];
    const got = await fetchCatalogSnapshot({
      node: home.client,
      peer: home.node.peerId,
      repo,
      onDoc: (k, key) => order.push(`${k}:${key}`),
    });
    expect(got.invalid).toEqual([]);
    expect(got.complete).toBe(true);
    expect(got.rootUrl).toBe(home.root.url);
    expect(order[0]).toBe('root:');
    const shardKeys = order.filter((o) => o.startsWith('shard:')).map((o) => o.slice(6));
    expect(shardKeys).toEqual([...shardKeys].sort().reverse());
    expect(order.at(-1)).toBe(`album:${home.album}`);

    const root = await repo.find<RootDoc>(got.rootUrl! as never);
    const catalog = createCatalog({ repo, root, deviceId: fakeDeviceId(2) });
    await catalog.start();
    cleanup.push(() => catalog.stop());
    expect(catalog.months()).toEqual(home.catalog.months());
    expect(catalog.months().flatMap((m) => catalog.monthAssets(m))).toEqual(
      home.catalog.months().flatMap((m) => home.catalog.monthAssets(m)),
    );
    expect(catalog.getAlbum(home.album)?.assets).toEqual([fakeAssetId(1), fakeAssetId(2)]);

    // A change made after the snapshot arrives by ordinary sync over /hearth/automerge/1.
    const access = allow(() => home.node.peerId.toString());
    const homeAccess = allow(() => home.client.peerId.toString());
    home.repo.networkSubsystem.addNetworkAdapter(
      new Libp2pNetworkAdapter({ node: home.node, access: homeAccess }),
    );
    repo.networkSubsystem.addNetworkAdapter(new Libp2pNetworkAdapter({ node: home.client, access }));
    home.catalog.setArchived(fakeAssetId(3), true);
    await waitUntil(
      () => catalog.getAsset(fakeAssetId(3))?.archived === true,
      [catalog.onChange],
      20_000,
      'sync after snapshot',
    );
  });

  it('a lazy home sends closed shards as stored; a lazy device stores all but the newest month unopened', async () => {
    const home = await homeWithLibrary(allow, true);
    const adapter = await storage();
    const repo = new Repo({ storage: adapter });
    cleanup.push(() => repo.shutdown());
    const loaded: string[] = [];
    const got = await fetchCatalogSnapshot({
      node: home.client,
      peer: home.node.peerId,
      repo,
      storage: adapter,
      onDoc: (k, key, handle) => void (k === 'shard' && handle && loaded.push(key)),
    });
    expect(got.invalid).toEqual([]);
    const months = home.catalog.months();
    expect(loaded).toEqual([months[0]]);

    const root = await repo.find<RootDoc>(got.rootUrl! as never);
    const catalog = createCatalog({ repo, root, deviceId: fakeDeviceId(2), lazyShards: {} });
    await catalog.start();
    cleanup.push(() => catalog.stop());
    expect(catalog.months()).toEqual(months);
    expect(catalog.assetCount()).toBe(60);
    expect(catalog.hasAsset(fakeAssetId(7))).toBe(true);
    // Month by month: the home's budget holds one shard.
    for (const m of months) {
      await home.catalog.openMonths([m]);
      await catalog.openMonths([m]);
      expect(catalog.monthAssets(m)).toEqual(home.catalog.monthAssets(m));
    }
  });

  it('a lazy device refuses corrupted shards from a peer (flipped byte, garbage, cut); sync fills them in', async () => {
    const home = await homeWithLibrary(allow, true);
    const months = home.catalog.months();
    // A peer serving the home's snapshot with three closed shards damaged in transit.
    const damage: Record<string, (b: Uint8Array) => Uint8Array> = {
      [months[2]!]: (b) => b.map((x, i) => (i === b.length >> 1 ? x ^ 0x10 : x)),
      [months[3]!]: (b) => b.map((_, i) => (i * 7919 + 13) & 0xff),
      [months[4]!]: (b) => b.subarray(0, b.length - 7),
    };
    const tampering = tamperingDialer(home.client, damage);
    const adapter = await storage();
    const repo = new Repo({ storage: adapter });
    cleanup.push(() => repo.shutdown());
    const got = await fetchCatalogSnapshot({
      node: tampering,
      peer: home.node.peerId,
      repo,
      storage: adapter,
    });
    expect(got.invalid.map((e) => e.code)).toEqual([
      'CATALOG_INVALID_DATA',
      'CATALOG_INVALID_DATA',
      'CATALOG_INVALID_DATA',
    ]);
    for (const m of Object.keys(damage))
      expect(got.invalid.some((e) => e.message.includes(`shard ${m}`))).toBe(true);

    const root = await repo.find<RootDoc>(got.rootUrl! as never);
    const catalog = createCatalog({ repo, root, deviceId: fakeDeviceId(2), lazyShards: {} });
    await catalog.start();
    cleanup.push(() => catalog.stop());
    // The rest of the catalog is there and readable; the three months are not (yet).
    expect(catalog.assetCount()).toBe(57);
    expect(catalog.months()).toEqual(months.filter((m) => !damage[m]));
    await catalog.openMonths([months[5]!]);
    expect(catalog.monthAssets(months[5]!)).toEqual(home.catalog.monthAssets(months[5]!));

    // Ordinary sync brings the refused shards.
    syncWithHome(home, repo);
    await waitUntil(() => catalog.assetCount() === 60, [catalog.onChange], 30_000, 'refused shards synced');
    expect(catalog.months()).toEqual(months);
    for (const m of Object.keys(damage)) {
      await home.catalog.openMonths([m as never]);
      await catalog.openMonths([m as never]);
      expect(catalog.monthAssets(m as never)).toEqual(home.catalog.monthAssets(m as never));
    }
  });

  it('a stored shard that no longer loads is dropped with a typed error; the rest reads, sync restores it', async () => {
    const home = await homeWithLibrary(allow, true);
    const months = home.catalog.months();
    const ids = new Map<string, string>();
    const adapter = await storage();
    const repo = new Repo({ storage: adapter });
    cleanup.push(() => repo.shutdown());
    const got = await fetchCatalogSnapshot({
      node: tamperingDialer(home.client, {}, ids),
      peer: home.node.peerId,
      repo,
      storage: adapter,
    });
    expect(got.invalid).toEqual([]);
    // The disk corrupts one stored shard after it was received.
    const bad = months[3]!;
    const chunks = await adapter.loadRange([ids.get(bad)!]);
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks)
      await adapter.save(
        c.key,
        c.data!.map((x, i) => (i === 20 ? x ^ 0xff : x)),
      );

    const root = await repo.find<RootDoc>(got.rootUrl! as never);
    const catalog = createCatalog({ repo, root, deviceId: fakeDeviceId(2), lazyShards: {} });
    await catalog.start();
    cleanup.push(() => catalog.stop());
    expect(catalog.assetCount()).toBe(60);
    const err = await catalog.openMonths([bad]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CATALOG_INVALID_DATA' });
    expect(String(err)).toContain(`shard ${bad}`);
    expect(await adapter.loadRange([ids.get(bad)!])).toEqual([]);
    expect(catalog.assetCount()).toBe(59);
    expect(catalog.months()).not.toContain(bad);
    await catalog.openMonths([months[5]!]);
    expect(catalog.monthAssets(months[5]!)).toEqual(home.catalog.monthAssets(months[5]!));

    syncWithHome(home, repo);
    await waitUntil(() => catalog.assetCount() === 60, [catalog.onChange], 30_000, 'dropped shard synced');
    await home.catalog.openMonths([bad]);
    await catalog.openMonths([bad]);
    expect(catalog.monthAssets(bad)).toEqual(home.catalog.monthAssets(bad));
  });

  it('a snapshot cut short is a typed error; the documents that arrived stay imported', async () => {
    const home = await homeWithLibrary(allow);
    const first = new Repo();
    cleanup.push(() => first.shutdown());
    const whole = await fetchCatalogSnapshot({ node: home.client, peer: home.node.peerId, repo: first });
    expect(whole.complete).toBe(true);
    for (const keep of [whole.docs, 3, 0]) {
      const repo = new Repo();
      cleanup.push(() => repo.shutdown());
      const err = await fetchCatalogSnapshot({
        node: tamperingDialer(home.client, {}, new Map(), keep),
        peer: home.node.peerId,
        repo,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SnapshotTruncatedError);
      expect(err).toMatchObject({ code: 'CATALOG_SNAPSHOT_TRUNCATED', partial: { docs: keep } });
      expect(Object.keys(repo.handles).length).toBe(keep);
    }
  });

  it('a stream reset midway is a typed error too', async () => {
    const server = await createPeerNode(LOOPBACK_TCP);
    const client = await createPeerNode(LOOPBACK_TCP);
    cleanup.push(
      async () => server.stop(),
      async () => client.stop(),
    );
    const repo = new Repo();
    cleanup.push(() => repo.shutdown());
    const source = new Repo();
    cleanup.push(() => source.shutdown());
    const root = createTestRoot(source);
    const doc = { k: 'root', key: '', id: root.documentId, b: await source.export(root.url) };
    let dialed!: () => void;
    const negotiated = new Promise<void>((r) => (dialed = r));
    await server.handle(CATALOG_SNAPSHOT_PROTOCOL, async (stream) => {
      stream.send(lp.encode.single(encode(doc)));
      // The server breaks off after the first document (its node stopping, say), once the
      // client has its stream (a reset during protocol negotiation is a failed dial instead).
      await negotiated;
      await drained(stream);
      stream.abort(new Error('server went away'));
    });
    await connectPeers(client, server);
    const node: Pick<Libp2p, 'dialProtocol'> = {
      dialProtocol: (async (...args: Parameters<Libp2p['dialProtocol']>) => {
        const stream = await client.dialProtocol(...args);
        dialed();
        return stream;
      }) as Libp2p['dialProtocol'],
    };
    const err = await fetchCatalogSnapshot({ node, peer: server.peerId, repo }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CATALOG_SNAPSHOT_TRUNCATED' });
  });

  it('with an older peer (version 1, no end frame) both ways still work', async () => {
    const home = await homeWithLibrary(allow);
    // A new server answers an old device's version-1 request without the end frame.
    const frames: unknown[] = [];
    const stream = await home.client.dialProtocol(home.node.peerId, CATALOG_SNAPSHOT_PROTOCOL_V1);
    for await (const c of lp.decode(streamSource(stream))) frames.push(decode(c.subarray()));
    expect(frames.length).toBeGreaterThan(3);
    expect(frames.every((f) => (f as { k: string }).k !== 'end')).toBe(true);
    // A new device asking an old server (it knows only version 1) gets the whole catalog,
    // with completeness unknown.
    await home.node.unhandle(CATALOG_SNAPSHOT_PROTOCOL);
    const repo = new Repo();
    cleanup.push(() => repo.shutdown());
    const got = await fetchCatalogSnapshot({ node: home.client, peer: home.node.peerId, repo });
    expect(got.invalid).toEqual([]);
    expect(got.docs).toBe(frames.length);
    expect(got.complete).toBeUndefined();
    expect(got.rootUrl).toBe(home.root.url);
  });

  it('an unpaired peer gets nothing, not even whether documents exist', async () => {
    const home = await homeWithLibrary(() => ({ isPaired: () => false, onRevoked: () => () => {} }));
    const repo = new Repo();
    cleanup.push(() => repo.shutdown());
    const got = await fetchCatalogSnapshot({ node: home.client, peer: home.node.peerId, repo }).catch(
      () => undefined,
    );
    expect(got?.docs ?? 0).toBe(0);
    expect(Object.keys(repo.handles)).toEqual([]);
  });
});
