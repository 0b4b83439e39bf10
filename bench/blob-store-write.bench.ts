/**
 * blob-store-write: what storing a received blob costs the receiving process, per MB, with
 * direct I/O (the fs store's default where the filesystem takes it) against page-cache
 * writes (`directIo: false`), alternated in one run. Each blob goes the way a fetch stores
 * it: `resume` (a new partial), `append` of 1 MiB chunks as the Noise-sized pieces they
 * arrive in (65,519 B), `commit` (fdatasync, rename, directory fsync); then the store is
 * deleted (the cost of dropping what it wrote, apart). Hashing is not counted (the fetch
 * hashes, once, whichever way the bytes are written).
 *
 *   npm run bench -- blob-store-write [--mb 256] [--blob-mb 2.5,125] [--runs 4]
 *
 * Metrics, per blob size: `<size>_cpu_ms_per_mb` (process CPU, every thread: the file writes
 * run on the thread pool, and their kernel time is most of it), `<size>_main_thread_ms_per_mb`
 * (the JS thread: the copy into the staging buffers), `<size>_delete_ms_per_mb`; each with the
 * page-cache store as anchor.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadCpuUsage } from 'node:process';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { BlobHash } from '@hearth/sync';
import { createFsBlobStore } from '@hearth/sync/platform';
import { median, report } from './report.ts';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '256' },
    'blob-mb': { type: 'string', default: '2.5,125' },
    runs: { type: 'string', default: '4' },
  },
});
const MiB = 1024 * 1024;
const PIECE = 65_519;
const totalBytes = Number(values.mb) * 1e6;

/** One 1 MiB chunk as received: pieces; a blob is this chunk repeated, its first 8 bytes made unique. */
const chunk = new Uint8Array(MiB);
for (let i = 0; i < MiB; i++) chunk[i] = (i * 2654435761) >>> 24;

interface Blob {
  size: number;
  head: Uint8Array;
  hash: BlobHash;
  digest: Uint8Array;
}

function blobsOf(size: number, seed: number): Blob[] {
  const out: Blob[] = [];
  for (let k = 0; k < Math.max(1, Math.round(totalBytes / size)); k++) {
    const head = chunk.slice();
    new DataView(head.buffer).setFloat64(0, seed * 1e6 + k);
    const h = createHash('sha256');
    for (let at = 0; at < size; at += MiB)
      h.update((at === 0 ? head : chunk).subarray(0, Math.min(MiB, size - at)));
    const digest = new Uint8Array(h.digest());
    out.push({ size, head, hash: Buffer.from(digest).toString('hex') as BlobHash, digest });
  }
  return out;
}

function piecesOf(c: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < c.length; at += PIECE) out.push(c.subarray(at, Math.min(c.length, at + PIECE)));
  return out;
}

type Cost = { cpu: number; main: number; del: number };

async function storeAll(blobs: Blob[], directIo: boolean): Promise<Cost> {
  const root = await mkdtemp(join(tmpdir(), 'hearth-store-write-'));
  const store = createFsBlobStore({ root, directIo });
  await store.start();
  const bytes = blobs.reduce((n, b) => n + b.size, 0) / 1e6;
  const c0 = process.cpuUsage();
  const m0 = threadCpuUsage();
  // Two blobs at once, as a fetch of many keeps several in flight.
  const queue = [...blobs];
  await Promise.all(
    [0, 1].map(async () => {
      for (let b = queue.shift(); b; b = queue.shift()) {
        const p = await store.resume!(b.hash, MiB, () => Promise.resolve(true), { verifiedByCaller: true });
        const writes: Promise<void>[] = [];
        for (let at = 0; at < b.size; at += MiB) {
          const c = (at === 0 ? b.head : chunk).subarray(0, Math.min(MiB, b.size - at));
          writes.push(p.append(piecesOf(c)));
          if (writes.length > 2) await writes.shift(); // the fetch keeps 3 appends in flight
        }
        await Promise.all(writes);
        await p.commit(b.digest);
      }
    }),
  );
  const c = process.cpuUsage(c0);
  const m = threadCpuUsage(m0);
  await store.stop();
  const d0 = process.cpuUsage();
  await rm(root, { recursive: true, force: true });
  const d = process.cpuUsage(d0);
  return {
    cpu: (c.user + c.system) / 1000 / bytes,
    main: (m.user + m.system) / 1000 / bytes,
    del: (d.user + d.system) / 1000 / bytes,
  };
}

// Unreported warm-up of both ways: a process's first writes cost more (JIT, first pages).
await storeAll(blobsOf(4e6, -1).slice(0, 8), false);
await storeAll(blobsOf(4e6, -2).slice(0, 8), true);

for (const blobMb of values['blob-mb'].split(',').map(Number)) {
  const size = Math.round(blobMb * 1e6);
  const runs: Record<'direct' | 'cache', Cost[]> = { direct: [], cache: [] };
  for (let r = 0; r < Number(values.runs); r++) {
    // Alternated (which goes first, too), a new set of blobs each time: every write is to a
    // new file, as a fetch's is.
    const cache = () => storeAll(blobsOf(size, 2 * r), false).then((c) => void runs.cache.push(c));
    const direct = () => storeAll(blobsOf(size, 2 * r + 1), true).then((c) => void runs.direct.push(c));
    if (r % 2) await direct().then(cache);
    else await cache().then(direct);
  }
  const label = `${String(blobMb).replace('.', '_')}mb`;
  for (const [what, key] of [
    ['cpu', 'cpu'],
    ['main_thread', 'main'],
    ['delete', 'del'],
  ] as const) {
    const v = median(runs.direct.map((x) => x[key]));
    const a = median(runs.cache.map((x) => x[key]));
    report({
      bench: 'blob-store-write',
      metric: `${label}_${what}_ms_per_mb`,
      value: v,
      unit: 'ms/MB',
      anchor: { name: 'page-cache writes', value: a },
      ratio: v / a,
    });
  }
}
