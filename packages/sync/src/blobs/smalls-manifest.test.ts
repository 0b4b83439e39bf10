import { afterEach, describe, expect, it } from 'vitest';
import type { Libp2p } from '@libp2p/interface';
import { createMemoryBlobStore } from './blob-store.memory.ts';
import { readAll, type BlobStore } from './blob-store.ts';
import { createBlobServer, type BlobServer } from './blob-server.ts';
import { createBlobClient } from './blob-client.ts';
import { createBlobSession } from './blob-session.ts';
import { computeManifest } from './blob-manifest.ts';
import {
  BLOB_PROTOCOL,
  MAX_REQUEST_FRAME,
  MAX_SMALLS_MANIFEST,
  decodeRequest,
  encodeFrame,
  type BlobResponse,
} from './blob-protocol.ts';
import { readFrames, sendFrame } from './frame-stream.ts';
import { nodeHashing } from './hashing.node.ts';
import { createAllowListAccess, createTestNode, type AllowListAccess } from './test-peers.node.ts';
import { patternBytes } from './pattern-bytes.ts';

const CHUNK = 64 * 1024;

const nodes: Libp2p[] = [];
const servers: BlobServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const n of nodes.splice(0)) await n.stop();
});

/** A server node (set up by `serve`) and a client node, paired and connected. */
async function pairWith(serve: (node: Libp2p, access: AllowListAccess) => Promise<void>) {
  const [server, me] = [await createTestNode(), await createTestNode()];
  nodes.push(server, me);
  const access = createAllowListAccess([server.peerId.toString(), me.peerId.toString()]);
  await serve(server, access);
  await me.dial(server.getMultiaddrs()[0]!);
  return { server, me, access };
}

describe('a photo too big for a smalls answer', () => {
  it('comes with its manifest when asked (binary answers), a video and an old-style ask with the size only', async () => {
    const store = createMemoryBlobStore({ hashing: nodeHashing });
    const thumb = (await store.put(patternBytes(30_000, 1))).hash;
    const photo = (await store.put(patternBytes(5 * CHUNK + 17, 2))).hash;
    const video = (await store.put(patternBytes((MAX_SMALLS_MANIFEST + 1) * CHUNK, 3))).hash;
    const { server, me } = await pairWith(async (node, access) => {
      const s = createBlobServer({
        node,
        store,
        access,
        hashing: nodeHashing,
        chunkSize: CHUNK,
      });
      servers.push(s);
      await s.start();
    });
    const s = createBlobSession('server', await me.dialProtocol(server.peerId, BLOB_PROTOCOL));
    const h = [thumb, photo, video];
    const withManifest = await s.request({ t: 'smalls', h, inline: 256 * 1024, bin: true, man: true });
    const sizesOnly = await s.request({ t: 'smalls', h, inline: 256 * 1024, bin: true });
    const cbor = await s.request({ t: 'smalls', h, inline: 256 * 1024, man: true });
    s.close();
    const m = await computeManifest(store, nodeHashing, photo, CHUNK);
    const items = (r: BlobResponse) => (r.t === 'smalls' ? r.items : []);
    expect(items(withManifest)[0]).toEqual({ s: 30_000, d: patternBytes(30_000, 1) });
    expect(items(withManifest).slice(1)).toEqual([
      { s: 5 * CHUNK + 17, cs: CHUNK, ch: m.prefixDigests },
      { s: (MAX_SMALLS_MANIFEST + 1) * CHUNK },
    ]);
    expect(items(sizesOnly).slice(1)).toEqual([
      { s: 5 * CHUNK + 17 },
      { s: (MAX_SMALLS_MANIFEST + 1) * CHUNK },
    ]);
    // Manifests only in binary answers: a CBOR answer is what an older client reads.
    expect(items(cbor).slice(1)).toEqual([{ s: 5 * CHUNK + 17 }, { s: (MAX_SMALLS_MANIFEST + 1) * CHUNK }]);
  });

  it('is fetched with no manifest request: smalls, then its chunks', async () => {
    const data = patternBytes(3 * CHUNK + 5, 4);
    const held = createMemoryBlobStore({ hashing: nodeHashing });
    const { hash } = await held.put(data);
    const m = await computeManifest(held, nodeHashing, hash, CHUNK);
    const asked: string[] = [];
    // A server that answers `smalls` with the manifest and refuses `meta`.
    const { server, me, access } = await pairWith(async (node) => {
      await node.handle(BLOB_PROTOCOL, async (stream) => {
        for await (const frame of readFrames(stream, MAX_REQUEST_FRAME)) {
          const req = decodeRequest(frame);
          asked.push(req.t);
          let res: BlobResponse;
          if (req.t === 'smalls' && req.man && req.bin)
            res = {
              t: 'smalls',
              id: req.id,
              bin: true,
              items: req.h.map(() => ({ s: data.length, cs: CHUNK, ch: m.prefixDigests })),
            };
          else if (req.t === 'get')
            res = { t: 'data', id: req.id, i: req.i, d: data.subarray(req.i * CHUNK, (req.i + 1) * CHUNK) };
          else res = { t: 'err', id: req.id, code: 'BAD_REQUEST' };
          await sendFrame(stream, encodeFrame(res));
        }
      });
    });
    const store = createMemoryBlobStore({ hashing: nodeHashing });
    const c = createBlobClient({ node: me, store, access, hashing: nodeHashing });
    const r = await c.fetch(hash, { peers: [server.peerId] });
    c.stop();
    expect(r).toMatchObject({ hash, size: data.length, dropped: [], resentBytes: 0 });
    expect(await readAll(store, hash)).toEqual(data);
    expect(asked).toEqual(['smalls', 'get', 'get', 'get', 'get']);
  });
});

describe('a fetched blob', () => {
  it("keeps a large blob's verified manifest for its own serving, not a photo's", async () => {
    const held = createMemoryBlobStore({ hashing: nodeHashing });
    const photo = (await held.put(patternBytes(3 * CHUNK + 5, 5))).hash;
    const video = (await held.put(patternBytes((MAX_SMALLS_MANIFEST + 2) * CHUNK + 9, 6))).hash;
    const { server, me, access } = await pairWith(async (node, acc) => {
      const s = createBlobServer({ node, store: held, access: acc, hashing: nodeHashing, chunkSize: CHUNK });
      servers.push(s);
      await s.start();
    });
    const kept: { hash: string; size: number; chunkSize: number; prefixDigests: Uint8Array }[] = [];
    const mine = createMemoryBlobStore({ hashing: nodeHashing });
    const store: BlobStore = {
      ...mine,
      keepManifest: async (hash, m) => void kept.push({ hash, ...m }),
    };
    const c = createBlobClient({ node: me, store, access, hashing: nodeHashing });
    await c.fetch(photo, { peers: [server.peerId] });
    await c.fetch(video, { peers: [server.peerId] });
    c.stop();
    const m = await computeManifest(held, nodeHashing, video, CHUNK);
    expect(kept).toEqual([{ hash: video, size: m.size, chunkSize: CHUNK, prefixDigests: m.prefixDigests }]);
    expect(await readAll(mine, video)).toEqual(patternBytes((MAX_SMALLS_MANIFEST + 2) * CHUNK + 9, 6));
  });
});
