/**
 * blob-many-small: 10,000 thumbnails of 30 KB fetched over `/hearth/blob/1` (TCP loopback,
 * two peer processes), many per request (`smalls`), verified and written to the receiver's
 * filesystem store (hashed once; a write-ahead log with one datasync per batch of puts, files
 * renamed into place, made durable by a syncfs checkpoint).
 * Also the same into a memory store (the protocol without the disk), and as the anchor a
 * bare libp2p stream moving the same bytes, expressed in 30 KB blobs per second.
 *
 *   npm run bench -- blob-many-small [--count 10000] [--runs 3] [--concurrency 32]
 *
 * Metrics: `blobs_per_s` (fs store; goal ≥ 2,000), `blobs_per_s_memory`.
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { median, report } from './report.ts';
import { pair, spawnBlobPeer } from '../test/blob-support/spawn-blob-peer.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const size = 30_000;

const sender = await spawnBlobPeer({ transport: 'tcp' });
const onDisk = await spawnBlobPeer({ transport: 'tcp' });
const inMemory = await spawnBlobPeer({ transport: 'tcp', memory: true });
try {
  await pair(onDisk, sender);
  await pair(inMemory, sender);
  const hashes = await sender.call<string[]>('generateMix', { spec: [{ size, count }], seed: 1000 }, 600_000);
  const fs: number[] = [];
  const mem: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < runs; r++) {
    for (const [peer, out] of [
      [onDisk, fs],
      [inMemory, mem],
    ] as const) {
      await peer.call('clear', {}, 600_000);
      const got = await peer.call<{ ms: number; bytes: number }>(
        'fetchMany',
        { hashes, peers: [sender.peerId], concurrency: Number(values.concurrency) },
        600_000,
      );
      if (got.bytes !== count * size) throw new Error(`fetched ${got.bytes} of ${count * size} bytes`);
      out.push(count / (got.ms / 1000));
    }
    const raw = await inMemory.call<{ ms: number; bytes: number }>(
      'rawPull',
      { peer: sender.peerId, bytes: count * size },
      600_000,
    );
    bare.push(count / (raw.ms / 1000));
  }
  const anchor = { name: 'bare libp2p tcp stream, same bytes, in 30 KB blobs/s', value: median(bare) };
  report({
    bench: 'blob-many-small',
    metric: 'blobs_per_s',
    value: median(fs),
    unit: 'blobs/s',
    anchor,
    ratio: median(fs) / anchor.value,
  });
  report({
    bench: 'blob-many-small',
    metric: 'blobs_per_s_memory',
    value: median(mem),
    unit: 'blobs/s',
    anchor,
    ratio: median(mem) / anchor.value,
  });
} finally {
  for (const p of [sender, onDisk, inMemory]) {
    await p.stop();
    await rm(p.store, { recursive: true, force: true });
  }
}
