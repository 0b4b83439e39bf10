import { afterEach, describe, expect, it } from 'vitest';
import type { Libp2p } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import { createMemoryBlobStore, type MemoryBlobStore } from './blob-store.memory.ts';
import { readAll, type BlobStore } from './blob-store.ts';
import { createBlobServer, type BlobServer } from './blob-server.ts';
import { createBlobClient } from './blob-client.ts';
import { nodeHashing } from './hashing.node.ts';
import { sha256Hex } from './hashing.ts';
import { createAllowListAccess, createTestNode, type AllowListAccess } from './test-peers.node.ts';
import {
  BLOB_PROTOCOL,
  MAX_REQUEST_FRAME,
  OLD_BLOB_PROTOCOLS,
  SMALLS_BUDGET,
  decodeRequest,
  encodeFrame,
  type BlobResponse,
} from './blob-protocol.ts';
import { computeManifest } from './blob-manifest.ts';
import { readFrames, sendFrame } from './frame-stream.ts';
import { createBlobSession } from './blob-session.ts';
import { patternBytes } from './pattern-bytes.ts';

const CHUNK = 64 * 1024;

interface Peer {
  node: Libp2p;
  store: MemoryBlobStore;
  access: AllowListAccess;
  server: BlobServer;
}

const peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) {
    await p.server.stop().catch(() => undefined);
    await p.node.stop();
  }
});

async function peer(
  opts: { wrap?: (s: MemoryBlobStore) => BlobStore; transport?: 'tcp' | 'ws' } = {},
): Promise<Peer> {
  const node = await createTestNode(opts.transport);
  const store = createMemoryBlobStore({ hashing: nodeHashing });
  const access = createAllowListAccess();
  const server = createBlobServer({
    node,
    store: opts.wrap ? opts.wrap(store) : store,
    access,
    hashing: nodeHashing,
    chunkSize: CHUNK,
  });
  await server.start();
  const p = { node, store, access, server };
  peers.push(p);
  return p;
}

/** Pairs `a` and `b` both ways and connects them. */
async function connect(a: Peer, b: Peer) {
  a.access.allow(b.node.peerId.toString());
  b.access.allow(a.node.peerId.toString());
  await a.node.dial(b.node.getMultiaddrs()[0]!);
}

function client(p: Peer, window = 4) {
  return createBlobClient({ node: p.node, store: p.store, access: p.access, hashing: nodeHashing, window });
}

/** A store that flips one byte of chunk `index` when a chunk is read (manifest reads stay honest). */
function corruptChunk(index: number) {
  return (s: MemoryBlobStore): BlobStore => ({
    ...s,
    async read(hash, start, length) {
      const r = await s.read(hash, start, length);
      if (start === index * CHUNK) r.bytes[100] = (r.bytes[100] ?? 0) ^ 0x01;
      return r;
    },
  });
}

describe.each(['tcp', 'ws'] as const)('/hearth/blob/2 over %s', (transport) => {
  it('fetches a small blob in one request and a large one chunk by chunk, verified', async () => {
    const [a, b] = [await peer({ transport }), await peer({ transport })];
    await connect(a, b);
    const small = patternBytes(30_000, 1);
    const large = patternBytes(20 * CHUNK + 123, 2);
    const hs = (await b.store.put(small)).hash;
    const hl = (await b.store.put(large)).hash;
    const c = client(a);
    expect((await c.whoHas(hs)).map((h) => h.peer.toString())).toEqual([b.node.peerId.toString()]);
    const progress: number[] = [];
    const [rs, rl] = await Promise.all([
      c.fetch(hs),
      c.fetch(hl, { onProgress: (p) => progress.push(p.bytes) }),
    ]);
    expect(rs).toMatchObject({ hash: hs, size: 30_000, created: true, dropped: [] });
    expect(rl).toMatchObject({ hash: hl, size: large.length, created: true, resentBytes: 0 });
    expect(await readAll(a.store, hl)).toEqual(large);
    expect(progress.at(-1)).toBe(large.length);
    expect(progress.length).toBe(21);
    c.stop();
  });
});

describe('who has it', () => {
  it('batches many has questions per peer (more than one request worth) and answers each', async () => {
    const [a, b] = [await peer(), await peer()];
    await connect(a, b);
    const known = await Promise.all(
      [1, 2, 3].map(async (s) => (await b.store.put(patternBytes(100, s))).hash),
    );
    const unknown = await Promise.all(
      Array.from(
        { length: 600 },
        async (_, i) => (await sha256Hex(nodeHashing, patternBytes(10, 1000 + i))) as BlobHash,
      ),
    );
    const c = client(a);
    const all = [...unknown.slice(0, 300), ...known, ...unknown.slice(300)];
    const answers = await Promise.all(all.map((h) => c.whoHas(h)));
    const held = all.filter((_, i) => answers[i]!.length === 1);
    expect(held).toEqual(known);
    c.stop();
  });
});

describe('many blobs at once', () => {
  it('shares a few streams per peer among many concurrent fetches', async () => {
    const [a, b] = [await peer(), await peer()];
    await connect(a, b);
    const hashes = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => (await b.store.put(patternBytes(2000 + i, i))).hash),
    );
    const c = client(a);
    const results = await Promise.all(hashes.map((h) => c.fetch(h, { peers: [b.node.peerId] })));
    expect(results.map((r) => r.hash)).toEqual(hashes);
    const streams = a.node
      .getConnections(b.node.peerId)
      .flatMap((conn) => conn.streams.filter((st) => st.protocol === BLOB_PROTOCOL));
    expect(streams.length).toBeLessThanOrEqual(4);
    c.stop();
  });
});

describe('smalls answers', () => {
  // Without `readWhole` the server falls back to `size` + `read`: both paths answer alike.
  it.each([
    ['readWhole', (s: MemoryBlobStore): BlobStore => s],
    [
      'size + read',
      (s: MemoryBlobStore): BlobStore => {
        const { readWhole: _, ...rest } = s;
        return rest;
      },
    ],
  ])('inline whole blobs within the frame budget, sizes for the rest (%s)', async (_, wrap) => {
    const [a, b] = [await peer(), await peer({ wrap })];
    await connect(a, b);
    const blobs = Array.from({ length: 40 }, (_, i) => patternBytes(60_000 + i, 50 + i));
    const hashes: string[] = [];
    for (const d of blobs) hashes.push((await b.store.put(d)).hash);
    const big = (await b.store.put(patternBytes(300_000, 9))).hash;
    const unknown = await sha256Hex(nodeHashing, patternBytes(10, 10));
    const s = createBlobSession('b', await a.node.dialProtocol(b.node.peerId, BLOB_PROTOCOL));
    const res = await s.request({ t: 'smalls', h: [...hashes, big, unknown], inline: 256 * 1024 });
    // Asked for a binary answer (what the client sends), the same items come back without CBOR.
    const bin = await s.request({ t: 'smalls', h: [...hashes, big, unknown], inline: 256 * 1024, bin: true });
    s.close();
    if (res.t !== 'smalls') throw new Error(`answered ${res.t}`);
    expect(res.bin).toBeUndefined();
    expect(bin).toEqual({ ...res, id: bin.id, bin: true });
    const inlined = res.items.flatMap((it, k) => ('d' in it && it.d ? [k] : []));
    // 40 × 60 KB do not fit one answer: as many as the budget allows, every one whole and right.
    expect(inlined.length).toBeGreaterThan(8);
    expect(inlined.length).toBeLessThan(40);
    expect(inlined.reduce((n, k) => n + blobs[k]!.length, 0)).toBeLessThanOrEqual(SMALLS_BUDGET);
    for (const k of inlined) expect(res.items[k]).toEqual({ s: blobs[k]!.length, d: blobs[k] });
    for (let k = 0; k < 40; k++)
      if (!inlined.includes(k)) expect(res.items[k]).toEqual({ s: blobs[k]!.length });
    expect(res.items[40]).toEqual({ s: 300_000 });
    expect(res.items[41]).toEqual({ e: 'NOT_FOUND' });
  });
});

describe('/hearth/blob/2 failures', () => {
  it('drops a peer that serves a corrupted chunk and completes from another, storing nothing corrupt', async () => {
    const data = patternBytes(10 * CHUNK, 3);
    const bad = await peer({ wrap: corruptChunk(4) });
    const good = await peer();
    const me = await peer();
    await connect(me, bad);
    await connect(me, good);
    const { hash } = await bad.store.put(data);
    await good.store.put(data);
    const r = await client(me).fetch(hash, { peers: [bad.node.peerId, good.node.peerId] });
    expect(r.dropped).toEqual([bad.node.peerId.toString()]);
    expect(r.from).toEqual([bad.node.peerId.toString(), good.node.peerId.toString()]);
    expect(await sha256Hex(nodeHashing, await readAll(me.store, hash))).toBe(hash);
    expect(me.store.blobs.size).toBe(1);
  });

  it('resumes from another peer when the sender dies mid-transfer, re-fetching at most the window', async () => {
    const data = patternBytes(40 * CHUNK, 4);
    const [first, second, me] = [await peer(), await peer(), await peer()];
    await connect(me, first);
    await connect(me, second);
    const { hash } = await first.store.put(data);
    await second.store.put(data);
    const window = 4;
    let killed: Promise<void> | void | undefined;
    const r = await client(me, window).fetch(hash, {
      peers: [first.node.peerId, second.node.peerId],
      onProgress: (p) => {
        if (!killed && p.bytes >= data.length / 2) killed = first.node.stop();
      },
    });
    await killed;
    expect(r.hash).toBe(hash);
    expect(r.dropped).toEqual([first.node.peerId.toString()]);
    expect(r.resentBytes).toBeLessThanOrEqual(window * CHUNK);
    expect(r.bytesReceived).toBe(data.length);
    expect(await readAll(me.store, hash)).toEqual(data);
  });

  it('drops a peer whose manifest lies about a middle prefix; the next peer serves against its own', async () => {
    const data = patternBytes(6 * CHUNK, 9);
    const [liar, good, me] = [await peer(), await peer(), await peer()];
    await connect(me, liar);
    await connect(me, good);
    const { hash } = await liar.store.put(data);
    await good.store.put(data);
    // The liar answers honestly, except that the third prefix digest of its manifest is
    // wrong (the last one, the address, stays right: only the chunk check can catch it).
    await liar.server.stop();
    const honest = await computeManifest(liar.store, nodeHashing, hash, CHUNK);
    await liar.node.handle(BLOB_PROTOCOL, async (stream) => {
      for await (const frame of readFrames(stream, MAX_REQUEST_FRAME)) {
        const req = decodeRequest(frame);
        let res: BlobResponse;
        if (req.t === 'smalls')
          res = { t: 'smalls', id: req.id, items: req.h.map(() => ({ s: data.length })) };
        else if (req.t === 'meta') {
          const ch = honest.prefixDigests.slice();
          ch[32 * 2] = (ch[32 * 2] ?? 0) ^ 1;
          res = { t: 'meta', id: req.id, size: data.length, cs: CHUNK, ch };
        } else if (req.t === 'get')
          res = { t: 'data', id: req.id, i: req.i, d: data.subarray(req.i * CHUNK, (req.i + 1) * CHUNK) };
        else res = { t: 'err', id: req.id, code: 'BAD_REQUEST' };
        await sendFrame(stream, encodeFrame(res));
      }
    });
    const c = client(me);
    const r = await c.fetch(hash, { peers: [liar.node.peerId, good.node.peerId] });
    expect(r.dropped).toEqual([liar.node.peerId.toString()]);
    expect(r.from).toEqual([liar.node.peerId.toString(), good.node.peerId.toString()]);
    expect(await readAll(me.store, hash)).toEqual(data);
    c.stop();
  });

  it('drops a peer whose manifest does not end in the address before asking it for any chunk', async () => {
    const data = patternBytes(4 * CHUNK, 11);
    const liar = await peer({
      // The manifest is computed from a whole-blob read: serve it one wrong byte.
      wrap: (s) => ({
        ...s,
        async open(h, range) {
          const r = await s.open(h, range);
          if (range) return r;
          return {
            ...r,
            body: (async function* () {
              for await (const c of r.body) yield c.map((b, i) => (i === 0 ? b ^ 1 : b));
            })(),
          };
        },
      }),
    });
    const [good, me] = [await peer(), await peer()];
    await connect(me, liar);
    await connect(me, good);
    const { hash } = await liar.store.put(data);
    await good.store.put(data);
    const c = client(me);
    const r = await c.fetch(hash, { peers: [liar.node.peerId, good.node.peerId] });
    expect(r).toMatchObject({ dropped: [liar.node.peerId.toString()], from: [good.node.peerId.toString()] });
    expect(r.bytesReceived).toBe(data.length);
    c.stop();
  });

  it('tells a peer that speaks an older blob protocol apart (typed error), and fetches elsewhere', async () => {
    const [old, good, me] = [await peer(), await peer(), await peer()];
    await connect(me, old);
    await connect(me, good);
    // An old peer: serves /hearth/blob/1 only.
    await old.server.stop();
    await old.node.handle(OLD_BLOB_PROTOCOLS[0]!, (stream) => void stream.close());
    const { hash } = await good.store.put(patternBytes(3 * CHUNK, 10));
    await old.store.put(patternBytes(3 * CHUNK, 10));
    const c = client(me);
    const only = c.fetch(hash, { peers: [old.node.peerId] });
    await expect(only).rejects.toMatchObject({
      code: 'BLOB_TRANSFER_FAILED',
      cause: { code: 'BLOB_PROTOCOL_VERSION', protocol: '/hearth/blob/1' },
    });
    await expect(only).rejects.toThrow(/speaks \/hearth\/blob\/1, not \/hearth\/blob\/2/);
    const r = await c.fetch(hash, { peers: [old.node.peerId, good.node.peerId] });
    expect(r).toMatchObject({
      hash,
      dropped: [old.node.peerId.toString()],
      from: [good.node.peerId.toString()],
    });
    c.stop();
  });

  it('refuses an unpaired peer the same way for a known and an unknown hash', async () => {
    const [holder, stranger] = [await peer(), await peer()];
    await stranger.node.dial(holder.node.getMultiaddrs()[0]!);
    stranger.access.allow(holder.node.peerId.toString());
    const { hash } = await holder.store.put(patternBytes(1000, 5));
    const unknown = (await sha256Hex(nodeHashing, patternBytes(1000, 6))) as BlobHash;
    const ask = async (h: string) => {
      const stream = await stranger.node.dialProtocol(holder.node.peerId, BLOB_PROTOCOL);
      const s = createBlobSession('holder', stream);
      return s.request({ t: 'meta', h, inline: 0 }).then(
        (r) => ({ answered: r.t }),
        (e: unknown) => ({ refused: (e as Error).name }),
      );
    };
    const known = await ask(hash);
    expect(known).toHaveProperty('refused');
    expect(await ask(unknown)).toEqual(known);
    const c = client(stranger);
    expect(await c.whoHas(hash, [holder.node.peerId])).toEqual([]);
    await expect(c.fetch(hash, { peers: [holder.node.peerId] })).rejects.toMatchObject({
      code: 'BLOB_TRANSFER_FAILED',
    });
    expect(stranger.store.blobs.size).toBe(0);
  });

  it('says NOT_FOUND to a paired peer and cuts a revoked one off', async () => {
    const [holder, me] = [await peer(), await peer()];
    await connect(me, holder);
    const c = client(me);
    const unknown = (await sha256Hex(nodeHashing, patternBytes(10, 7))) as BlobHash;
    expect(await c.whoHas(unknown)).toEqual([]);
    const { hash } = await holder.store.put(patternBytes(10, 8));
    holder.access.revoke(me.node.peerId.toString());
    await expect(c.fetch(hash, { peers: [holder.node.peerId] })).rejects.toMatchObject({
      code: 'BLOB_TRANSFER_FAILED',
    });
  });
});
