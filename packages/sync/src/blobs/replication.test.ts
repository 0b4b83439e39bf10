import { afterEach, describe, expect, it } from 'vitest';
import type { Libp2p } from '@libp2p/interface';
import type { AssetId, BlobHash } from '../ids.ts';
import { createMemoryBlobStore, type MemoryBlobStore } from './blob-store.memory.ts';
import { readAll } from './blob-store.ts';
import { createBlobServer, type BlobServer } from './blob-server.ts';
import { createBlobClient, type BlobClient } from './blob-client.ts';
import { nodeHashing } from './hashing.node.ts';
import { createAllowListAccess, createTestNode, type AllowListAccess } from './test-peers.node.ts';
import { devicePolicy, homeNodePolicy, pinsOf, type AssetBlobs, type BlobKind } from './pin-policy.ts';
import { createReplicator, type ReplicationProgress } from './replicator.ts';
import { homeNodeBackupView } from './backup-view.ts';
import { freeUpSpace } from './free-up-space.ts';
import { openBlob } from './open-blob.ts';
import { scrubBlobs } from './scrub.ts';

interface Peer {
  node: Libp2p;
  store: MemoryBlobStore;
  access: AllowListAccess;
  server: BlobServer;
  client: BlobClient;
}
const peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) {
    p.client.stop();
    await p.server.stop();
    await p.node.stop();
  }
});

async function peer(): Promise<Peer> {
  const node = await createTestNode();
  const store = createMemoryBlobStore({ hashing: nodeHashing });
  const access = createAllowListAccess();
  const server = createBlobServer({ node, store, access, hashing: nodeHashing, chunkSize: 64 * 1024 });
  await server.start();
  const client = createBlobClient({ node, store, access, hashing: nodeHashing });
  const p = { node, store, access, server, client };
  peers.push(p);
  return p;
}
async function connect(a: Peer, b: Peer) {
  a.access.allow(b.node.peerId.toString());
  b.access.allow(a.node.peerId.toString());
  await a.node.dial(b.node.getMultiaddrs()[0]!);
}
const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

async function asset(
  store: MemoryBlobStore,
  importedBy: string,
  capturedAt: number,
  parts: [BlobKind, Uint8Array][],
): Promise<AssetBlobs> {
  const blobs = [];
  for (const [kind, data] of parts)
    blobs.push({ kind, hash: (await store.put(data)).hash, size: data.length });
  return { assetId: blobs[0]!.hash as string as AssetId, capturedAt, importedBy, blobs };
}

describe('replication policy', () => {
  it('phone: a new original stays pinned until the home node holds it, then is freed, and opening fetches it back', async () => {
    const [phone, home] = [await peer(), await peer()];
    await connect(phone, home);
    const me = phone.node.peerId.toString();
    const photo = await asset(phone.store, me, Date.now(), [
      ['original', bytes(300_000, 1)],
      ['preview', bytes(50_000, 2)],
      ['thumbnail', bytes(5_000, 3)],
    ]);
    const original = photo.blobs[0]!.hash;
    const backups = homeNodeBackupView(phone.client, () => [home.node.peerId]);
    const policy = devicePolicy({ device: me, backups });
    expect((await policy.pins(photo)).map((p) => p.kind).sort()).toEqual([
      'original',
      'preview',
      'thumbnail',
    ]);
    expect(await freeUpSpace({ store: phone.store, policy, backups, assets: [photo] })).toEqual({
      freed: [],
      bytes: 0,
    });

    // The home node's replicator pulls every blob of the catalog it sees.
    const events: ReplicationProgress[] = [];
    const rep = createReplicator({
      store: home.store,
      source: { pins: () => pinsOf(homeNodePolicy(), [photo]) },
      fetcher: home.client,
      concurrency: 2,
    });
    rep.addEventListener('progress', (e) => events.push((e as CustomEvent<ReplicationProgress>).detail));
    const done = await rep.runOnce();
    expect(done).toMatchObject({
      filesDone: 3,
      filesLeft: 0,
      bytesDone: 355_000,
      bytesLeft: 0,
      failed: 0,
      running: false,
    });
    expect(events[0]).toMatchObject({ filesLeft: 3, bytesLeft: 355_000 });
    expect(events.some((e) => e.rate > 0 && e.eta !== undefined)).toBe(true);

    expect(await backups.isBackedUp(original)).toBe(true);
    expect((await policy.pins(photo)).map((p) => p.kind).sort()).toEqual(['preview', 'thumbnail']);
    expect(await freeUpSpace({ store: phone.store, policy, backups, assets: [photo] })).toEqual({
      freed: [original],
      bytes: 300_000,
    });
    expect(await phone.store.has(original)).toBe(false);
    expect(await phone.store.has(photo.blobs[2]!.hash)).toBe(true);

    const read = await openBlob(phone.store, phone.client, original, { start: 10, end: 20 });
    expect(read.end - read.start).toBe(10);
    expect(await readAll(phone.store, original)).toEqual(bytes(300_000, 1));
  });

  it('phone keeps previews only for recent months and never frees what is not backed up', async () => {
    const store = createMemoryBlobStore({ hashing: nodeHashing });
    const now = Date.UTC(2026, 10, 1);
    const backups = { isBackedUp: () => Promise.resolve(false) };
    const policy = devicePolicy({ device: 'me', previewMonths: 2, backups, now: () => now });
    const old = await asset(store, 'other', Date.UTC(2026, 5, 1), [
      ['original', bytes(10, 4)],
      ['preview', bytes(10, 5)],
      ['thumbnail', bytes(10, 6)],
    ]);
    expect((await policy.pins(old)).map((p) => p.kind)).toEqual(['thumbnail']);
    const mine = await asset(store, 'me', Date.UTC(2026, 9, 20), [['original', bytes(10, 7)]]);
    expect((await policy.pins(mine)).map((p) => p.kind)).toEqual(['original']);
    // Not pinned (someone else's original) but not confirmed by a home node: kept.
    expect((await freeUpSpace({ store, policy, backups, assets: [old, mine] })).freed).toEqual([]);
    expect(store.blobs.size).toBe(4);
  });

  it('the replicator learns sizes a pin does not know from the fetch, and counts pinned and held blobs', async () => {
    const [device, home] = [await peer(), await peer()];
    await connect(home, device);
    const photo = await asset(device.store, device.node.peerId.toString(), Date.now(), [
      ['original', bytes(200_000, 4)],
      ['thumbnail', bytes(7_000, 5)],
    ]);
    photo.blobs[1]!.size = 0; // derivative sizes are not in the catalog
    await home.store.put(bytes(1_000, 6));
    const held = {
      ...photo,
      blobs: [{ kind: 'preview' as const, hash: (await home.store.put(bytes(1_000, 6))).hash, size: 1_000 }],
    };
    const fetched: string[] = [];
    const rep = createReplicator({
      store: home.store,
      source: { pins: () => pinsOf(homeNodePolicy(), [photo, held, photo]) },
      fetcher: home.client,
      onFetched: (p) => void fetched.push(p.kind),
    });
    expect(await rep.runOnce()).toMatchObject({
      pinned: 3,
      held: 3,
      filesDone: 2,
      bytesDone: 207_000,
      bytesLeft: 0,
      failed: 0,
    });
    expect(fetched.sort()).toEqual(['original', 'thumbnail']);
  });

  it('the replicator fetches many small blobs at once, photos several at once and few large ones', async () => {
    const store = createMemoryBlobStore({ hashing: nodeHashing });
    const pins = [
      ...Array.from({ length: 20 }, (_, i) => ({ kind: 'thumbnail' as const, size: i % 2 ? 30_000 : 0 })),
      ...Array.from({ length: 10 }, () => ({ kind: 'original' as const, size: 5_000_000 })),
      ...Array.from({ length: 3 }, (_, i) => ({ kind: 'original' as const, size: i ? 500_000_000 : 0 })),
    ].map((p, i) => ({ ...p, hash: i.toString(16).padStart(64, '0') as BlobHash, assetId: 'a' as AssetId }));
    const laneOf = (size: number) =>
      size <= 256 * 1024 ? 'small' : size <= 16 * 1024 * 1024 ? 'medium' : 'large';
    const inflight = { small: 0, medium: 0, large: 0 };
    const most = { small: 0, medium: 0, large: 0 };
    const rep = createReplicator({
      store,
      source: { pins: () => pins },
      concurrency: 1,
      mediumConcurrency: 3,
      smallConcurrency: 8,
      fetcher: {
        async fetch(hash) {
          const pin = pins.find((p) => p.hash === hash)!;
          // Unknown size: a thumbnail is small, anything else large.
          const lane = pin.size === 0 ? (pin.kind === 'thumbnail' ? 'small' : 'large') : laneOf(pin.size);
          inflight[lane]++;
          most[lane] = Math.max(most[lane], inflight[lane]);
          await new Promise((r) => setImmediate(r));
          inflight[lane]--;
        },
      },
    });
    expect(await rep.runOnce()).toMatchObject({ filesDone: 33, failed: 0 });
    expect(most).toEqual({ small: 8, medium: 3, large: 1 });
  });

  it('the replicator counts failures and retries on poke', async () => {
    const store = createMemoryBlobStore({ hashing: nodeHashing });
    const data = bytes(1000, 9);
    const hash = (await createMemoryBlobStore({ hashing: nodeHashing }).put(data)).hash;
    let available = false;
    const failures: string[] = [];
    const fetcher = {
      async fetch(h: BlobHash) {
        if (!available) throw new Error('no peer has it yet');
        await store.put(data, { expected: h });
      },
    };
    const rep = createReplicator({
      store,
      source: {
        pins: () => [{ hash, size: 1000, kind: 'original' as const, assetId: hash as string as AssetId }],
      },
      fetcher,
      retryAfterMs: 60_000,
      onFailed: (p, e) => failures.push(`${p.kind}: ${(e as Error).message}`),
    });
    const idle = () =>
      new Promise<ReplicationProgress>((resolve) =>
        rep.addEventListener('idle', (e) => resolve((e as CustomEvent<ReplicationProgress>).detail), {
          once: true,
        }),
      );
    let next = idle();
    await rep.start();
    expect(await next).toMatchObject({ failed: 1, filesDone: 0 });
    expect(failures).toEqual(['original: no peer has it yet']);
    available = true;
    next = idle();
    rep.poke();
    expect(await next).toMatchObject({ failed: 0, filesDone: 1 });
    await rep.stop();
    expect(await store.has(hash)).toBe(true);
  });
});

describe('scrub', () => {
  it('finds a flipped bit, quarantines the blob and heals it from a peer', async () => {
    const [me, other] = [await peer(), await peer()];
    await connect(me, other);
    const data = bytes(200_000, 11);
    const { hash } = await me.store.put(data);
    const fine = (await me.store.put(bytes(1000, 12))).hash;
    await other.store.put(data);
    me.store.blobs.get(hash)![123_456]! ^= 0x10;
    const report = await scrubBlobs({
      store: me.store,
      hashing: nodeHashing,
      heal: (h) => me.client.fetch(h),
    });
    expect(report).toMatchObject({ checked: 2, corrupt: [hash], healed: [hash], unhealed: [] });
    expect(me.store.quarantined.has(hash)).toBe(true);
    expect(await readAll(me.store, hash)).toEqual(data);
    expect(await me.store.has(fine)).toBe(true);
  });
});
