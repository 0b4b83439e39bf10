/**
 * blob-many-small: 10,000 thumbnails of 30 KB fetched over `/hearth/blob/2` (TCP loopback,
 * two peer processes), many per request (`smalls`), verified and written to the receiver's
 * filesystem store (hashed once; appended to a pack file, one write and one datasync per
 * batch of puts; the sender reads them from its packs through one open handle per pack).
 * Also the same into a memory store (the protocol without the disk), and as the anchor a
 * bare libp2p stream moving the same bytes, expressed in 30 KB blobs per second.
 *
 *   npm run bench -- blob-many-small [--count 10000] [--runs 3] [--concurrency 32] [--cpu-prof <dir>]
 *
 * `--cpu-prof <dir>` writes V8 CPU profiles of the sender and the fs receiver during the
 * last run's fetch (`<dir>/many-small-{sender,receiver}.cpuprofile`).
 *
 * Then, without the network, the fs store alone in this process: the same count of 30 KB puts,
 * 32 at once, into pack files and (the anchor) one file per blob with an fsync of file and
 * directory, alternating, so the two ways of making a small blob durable compare in one run.
 *
 * Metrics: `blobs_per_s` (fs store; goal ≥ 2,000), `blobs_per_s_memory`, `store_puts_per_s`
 * (packs; ratio against a file per blob).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, report } from './report.ts';
import { pair, spawnBlobPeer } from '../test/blob-support/spawn-blob-peer.ts';
import { createFsBlobStore } from '@hearth/sync/platform';

/** Puts `blobs` into a fresh fs store (in the temp dir: the same disk here), 32 at once; puts per second (sealing the pack included). */
async function storePuts(blobs: Uint8Array[], packMaxBlob: number): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'hearth-bench-store-'));
  try {
    const store = createFsBlobStore({ root, packMaxBlob });
    await store.start();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < blobs.length; i = next++) await store.put(blobs[i]!);
      }),
    );
    await store.stop(); // sealing the pack (its index written) is part of the cost
    return blobs.length / ((performance.now() - t0) / 1000);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    'cpu-prof': { type: 'string' },
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
      const profDir = peer === onDisk && r === runs - 1 ? values['cpu-prof'] : undefined;
      if (profDir) await Promise.all([sender.call('profileStart'), peer.call('profileStart')]);
      const got = await peer.call<{ ms: number; bytes: number }>(
        'fetchMany',
        { hashes, peers: [sender.peerId], concurrency: Number(values.concurrency) },
        600_000,
      );
      if (profDir) {
        await mkdir(profDir, { recursive: true });
        await sender.call('profileStop', { file: join(profDir, 'many-small-sender.cpuprofile') });
        await peer.call('profileStop', { file: join(profDir, 'many-small-receiver.cpuprofile') });
      }
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

const blobs = Array.from({ length: count }, () => randomBytes(size));
const packed: number[] = [];
const fsynced: number[] = [];
for (let r = 0; r < runs; r++) {
  packed.push(await storePuts(blobs, 256 * 1024));
  fsynced.push(await storePuts(blobs, 0));
}
report({
  bench: 'blob-many-small',
  metric: 'store_puts_per_s',
  value: median(packed),
  unit: 'puts/s',
  anchor: { name: 'the same puts, one file per blob, fsync of file and directory', value: median(fsynced) },
  ratio: median(packed) / median(fsynced),
});
