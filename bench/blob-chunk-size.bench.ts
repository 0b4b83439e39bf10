/**
 * blob-chunk-size: the measurement behind the default chunk (1 MiB): one blob fetched over
 * `/hearth/blob/1` between two libp2p nodes (TCP loopback, one process, memory stores) with
 * 256 KiB, 512 KiB and 1 MiB chunks, the same bytes in flight (2 MiB × window 4 = 8 MiB), runs alternated.
 *
 *   npm run bench -- blob-chunk-size [--size 104857600] [--runs 3]
 *
 * Metrics: `chunk_<KiB>_mb_s`, anchor: the bare libp2p stream in the same process.
 */
import { parseArgs } from 'node:util';
import { createBlobClient, createBlobServer, createMemoryBlobStore, type BlobStore } from '@hearth/sync';
import { nodeHashing } from '@hearth/sync/platform';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { median, report } from './report.ts';
import { rawPull, serveRaw } from '../test/blob-support/raw-stream.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: String(100 * 1024 * 1024) },
    runs: { type: 'string', default: '3' },
  },
});
const size = Number(values.size);
const node = () =>
  createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  });
const access = { isPaired: () => true, onRevoked: () => () => undefined };
const sizes = [256 * 1024, 512 * 1024, 1024 * 1024];
const results = new Map<number, number[]>(sizes.map((s) => [s, []]));
const bare: number[] = [];
const data = new Uint8Array(size);
for (let i = 0; i < size; i += 4) data[i] = (i * 2654435761) >>> 24;

const setups = await Promise.all(
  sizes.map(async (cs) => {
    const [a, b] = [await node(), await node()];
    const held = createMemoryBlobStore({ hashing: nodeHashing });
    const { hash } = await held.put(data);
    await createBlobServer({ node: b, store: held, access, hashing: nodeHashing, chunkSize: cs }).start();
    await serveRaw(b);
    // The receiving store hashes and counts, so the figure is the protocol's, not memory copies'.
    const sink: BlobStore = {
      ...createMemoryBlobStore(),
      async put(body, opts) {
        const h = await nodeHashing.sha256();
        let n = 0;
        for await (const c of body as AsyncIterable<Uint8Array>) {
          h.update(c);
          n += c.length;
        }
        return { hash: opts!.expected!, size: n, created: true };
      },
    };
    await a.dial(b.getMultiaddrs()[0]!);
    const client = createBlobClient({
      node: a,
      store: sink,
      access,
      hashing: nodeHashing,
      window: (8 * 1024 * 1024) / cs,
    });
    await client.fetch(hash, { peers: [b.peerId] }); // warm: the sender hashes its manifest once
    return { cs, a, b, client, hash };
  }),
);
for (let r = 0; r < Number(values.runs); r++) {
  for (const s of setups) {
    const t = performance.now();
    await s.client.fetch(s.hash, { peers: [s.b.peerId] });
    results.get(s.cs)!.push(size / 1e6 / ((performance.now() - t) / 1000));
  }
  const raw = await rawPull(setups[0]!.a, setups[0]!.b.peerId, size);
  bare.push(raw.bytes / 1e6 / (raw.ms / 1000));
}
const anchor = { name: 'bare libp2p tcp stream (same process)', value: median(bare) };
for (const [cs, v] of results)
  report({
    bench: 'blob-chunk-size',
    metric: `chunk_${cs / 1024}_mb_s`,
    value: median(v),
    unit: 'MB/s',
    anchor,
    ratio: median(v) / anchor.value,
  });
for (const s of setups) {
  await s.a.stop();
  await s.b.stop();
}
