import { afterEach, expect, it } from 'vitest';
import type { Libp2p } from '@libp2p/interface';
import { createMemoryBlobStore } from './blob-store.memory.ts';
import { createBlobServer, type BlobServer } from './blob-server.ts';
import { createBlobSession } from './blob-session.ts';
import { BLOB_PROTOCOL } from './blob-protocol.ts';
import { nodeHashing } from './hashing.node.ts';
import { createAllowListAccess, createTestNode } from './test-peers.node.ts';

const nodes: Libp2p[] = [];
const servers: BlobServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const n of nodes.splice(0)) await n.stop();
});

it('answers many pipelined requests in order while its pipeline is full, then closes cleanly', async () => {
  const [a, b] = [await createTestNode(), await createTestNode()];
  nodes.push(a, b);
  const access = createAllowListAccess([a.peerId.toString(), b.peerId.toString()]);
  const store = createMemoryBlobStore({ hashing: nodeHashing });
  const data = Uint8Array.from({ length: 40 * 65536 }, (_, i) => (i * 7) % 251);
  const { hash } = await store.put(data);
  const server = createBlobServer({
    node: b,
    store,
    access,
    hashing: nodeHashing,
    chunkSize: 65536,
    pipeline: 2,
  });
  servers.push(server);
  await server.start();
  await a.dial(b.getMultiaddrs()[0]!);
  const s = createBlobSession('b', await a.dialProtocol(b.peerId, BLOB_PROTOCOL));
  // 40 chunk requests at once against a pipeline of 2: the reader waits for the writer 38 times.
  const got = await Promise.all(Array.from({ length: 40 }, (_, i) => s.request({ t: 'get', h: hash, i })));
  expect(got.map((r) => (r.t === 'data' ? r.i : -1))).toEqual(Array.from({ length: 40 }, (_, i) => i));
  const joined = new Uint8Array(data.length);
  for (const r of got)
    if (r.t === 'data') {
      let at = r.i * 65536;
      for (const p of r.d instanceof Uint8Array ? [r.d] : r.d) {
        joined.set(p, at);
        at += p.length;
      }
    }
  expect(joined).toEqual(data);
  s.close();
});
