/**
 * blob-throughput: a 1 GiB mix of blobs (1 × 500 MB video, 200 × 2.5 MB photos, 2,000 × 30 KB
 * thumbnails) fetched over `/hearth/blob/1` between two peer processes on loopback, over TCP
 * and WebSockets, into the receiver's filesystem store (hash-checked, fsynced). The anchor, in
 * the same run and the same processes: a bare libp2p stream moving the same number of bytes.
 *
 *   npm run bench -- blob-throughput [--scale 1] [--runs 3] [--chunk 1048576] [--window 8] [--transports tcp,ws]
 *
 * Metrics: `<t>_mb_s` (blob path, MB/s; anchor = bare stream), `<t>_ratio` (goal ≥ 0.8).
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { median, report } from './report.ts';
import { pair, spawnBlobPeer } from '../test/blob-support/spawn-blob-peer.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    chunk: { type: 'string', default: String(1024 * 1024) },
    window: { type: 'string', default: '8' },
    transports: { type: 'string', default: 'tcp,ws' },
    concurrency: { type: 'string', default: '16' },
    memory: { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const runs = Number(values.runs);
const chunkSize = Number(values.chunk);
const window = Number(values.window);
const spec = [
  { size: Math.round(500e6 * scale), count: 1 },
  { size: 2_500_000, count: Math.round(200 * scale) },
  { size: 30_000, count: Math.round(2000 * scale) },
];
const total = spec.reduce((s, x) => s + x.size * x.count, 0);

for (const transport of values.transports.split(',') as ('tcp' | 'ws')[]) {
  const sender = await spawnBlobPeer({ transport, chunkSize });
  const receiver = await spawnBlobPeer({ transport, chunkSize, window, memory: values.memory });
  try {
    await pair(receiver, sender);
    const hashes = await sender.call<string[]>('generateMix', { spec, seed: 1 }, 600_000);
    const blob: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < runs; r++) {
      const raw = await receiver.call<{ ms: number; bytes: number }>(
        'rawPull',
        { peer: sender.peerId, bytes: total },
        600_000,
      );
      bare.push(raw.bytes / 1e6 / (raw.ms / 1000));
      await receiver.call('clear', {}, 600_000);
      const got = await receiver.call<{ ms: number; bytes: number }>(
        'fetchMany',
        { hashes, peers: [sender.peerId], concurrency: Number(values.concurrency) },
        600_000,
      );
      if (got.bytes !== total) throw new Error(`fetched ${got.bytes} of ${total} bytes`);
      blob.push(got.bytes / 1e6 / (got.ms / 1000));
    }
    const b = median(blob);
    const a = median(bare);
    report({
      bench: 'blob-throughput',
      metric: `${transport}_mb_s`,
      value: b,
      unit: 'MB/s',
      anchor: { name: `bare libp2p ${transport} stream`, value: a },
      ratio: b / a,
    });
    report({
      bench: 'blob-throughput',
      metric: `${transport}_ratio`,
      value: b / a,
      unit: 'ratio',
      anchor: { name: 'goal', value: 0.8 },
    });
  } finally {
    await sender.stop();
    await receiver.stop();
    await rm(sender.store, { recursive: true, force: true });
    await rm(receiver.store, { recursive: true, force: true });
  }
}
