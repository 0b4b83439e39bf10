/**
 * blob-throughput: a 1 GiB mix of blobs (1 × 500 MB video, 200 × 2.5 MB photos, 2,000 × 30 KB
 * thumbnails) fetched over `/hearth/blob/2` between two peer processes on loopback, over TCP
 * and WebSockets, into the receiver's filesystem store (hash-checked, fsynced). The anchor, in
 * the same run and the same processes: a bare libp2p stream moving the same number of bytes.
 *
 *   npm run bench -- blob-throughput [--scale 1] [--runs 3] [--chunk 1048576] [--window 8] [--transports tcp,ws]
 *     [--cpu-prof <dir>] [--only video,photos,thumbs] [--node-flags=--single-threaded-gc] [--no-gc-pacing]
 *     [--via replicator|fetch] [--medium-lane 16] [--small-lane <n>] [--concurrency 16]
 *
 * `--node-flags=<flags>` (with `=`: parseArgs refuses a separate value starting with `--`)
 * starts both peer processes with these Node/V8 flags (space-separated), so a runtime setting
 * is compared on both paths at once: on this 2-core machine V8's parallel and concurrent GC
 * helper threads are a large share of both peers' CPU (docs/benchmarks.md#blob-throughput).
 * Both peers pace V8's old-generation marking as `hearth start` does (`paceGcMarking`); with
 * `--no-gc-pacing` they run V8's default triggers instead (both paths, for comparison).
 * `--via replicator` (the default) fetches the mix as a home node does: one replicator pass over
 * pins of the mix (`createReplicator`'s lanes: large blobs 4 at a time, medium ones (photos)
 * `--medium-lane` (its default, 16), small ones `--small-lane` (default: the replicator's), with its
 * progress events); `--via fetch`
 * calls the blob client directly, `--concurrency` at a time
 * (what this bench measured before the eighth session).
 * `--only` keeps the named classes of the mix (class-by-class figures; the goal is the blend).
 * `--cpu-prof <dir>` writes V8 CPU profiles of both peer processes during the last run's
 * bare pull and blob fetch (`<dir>/{bare,blob}-<transport>-{sender,receiver}.cpuprofile`).
 *
 * Metrics: `<t>_mb_s` (blob path, MB/s; anchor = bare stream), `<t>_ratio` (goal ≥ 0.8), and
 * `<t>_cpu_ms_per_mb` (CPU of both processes per MB moved, blob path; anchor = bare stream):
 * on a shared 2-core machine the sum of both processes' CPU bounds the ratio, and CPU per MB
 * moves far less with the load than MB/s does. Per process, `<t>_<role>_cpu_ms_per_mb` (all
 * its threads) and `<t>_<role>_main_thread_ms_per_mb` (the JS thread, which bounds the rate
 * when the machine has cores to spare: the thread pool's file writes run beside it).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, report } from './report.ts';
import type { BlobPeerProcess } from '../test/blob-support/spawn-blob-peer.ts';
import { blobMix, startMixPeers, type MixClass } from './blob-mix.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    chunk: { type: 'string', default: String(1024 * 1024) },
    window: { type: 'string', default: '8' },
    transports: { type: 'string', default: 'tcp,ws' },
    concurrency: { type: 'string', default: '16' },
    via: { type: 'string', default: 'replicator' },
    'medium-lane': { type: 'string', default: '16' },
    'small-lane': { type: 'string' },
    memory: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    only: { type: 'string', default: 'video,photos,thumbs' },
    'node-flags': { type: 'string', default: '' },
    'gc-pacing': { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const execArgv = values['node-flags'].split(' ').filter(Boolean);
const gcPacing = values['gc-pacing'];
const scale = Number(values.scale);
const runs = Number(values.runs);
const chunkSize = Number(values.chunk);
const window = Number(values.window);
const spec = blobMix(scale, new Set(values.only.split(',')));
type Cpu = { user: number; system: number; mainMs: number };
/** CPU of each peer process so far: all its threads, and its main (JS) thread alone, in ms. */
async function cpuOf(peers: BlobPeerProcess[]): Promise<{ all: number; main: number }[]> {
  const got = await Promise.all(peers.map((p) => p.call<Cpu>('cpu')));
  return got.map((c) => ({ all: (c.user + c.system) / 1000, main: c.mainMs }));
}
const roles = ['sender', 'receiver'] as const;
if (values.via !== 'fetch' && values.via !== 'replicator')
  throw new Error(`--via ${values.via}: replicator or fetch`);

/** Pins of the mix's blobs (in `generateMix`'s order: class by class), as a home node's catalog gives them. */
function mixPins(mix: MixClass[], hashes: string[]): { hash: string; size: number; kind: string }[] {
  const sized = mix.flatMap((c) =>
    Array.from({ length: c.count }, () => ({
      size: c.size,
      kind: c.cls === 'thumbs' ? 'thumbnail' : 'original',
    })),
  );
  if (sized.length !== hashes.length)
    throw new Error(`mix of ${sized.length} blobs, ${hashes.length} hashes`);
  return hashes.map((hash, i) => ({ hash, ...sized[i]! }));
}

if (values['cpu-prof']) await mkdir(values['cpu-prof'], { recursive: true });

for (const transport of values.transports.split(',') as ('tcp' | 'ws')[]) {
  const { sender, receiver, hashes, total, close } = await startMixPeers(
    spec,
    { transport, chunkSize, execArgv, gcPacing },
    { transport, chunkSize, window, memory: values.memory, execArgv, gcPacing },
  );
  const profDir = values['cpu-prof'];
  /** Runs `f`, profiling both peers when asked to and this is the last run. */
  const profiled = async <T>(what: string, last: boolean, f: () => Promise<T>): Promise<T> => {
    if (!profDir || !last) return f();
    await Promise.all([sender.call('profileStart'), receiver.call('profileStart')]);
    const out = await f();
    const file = (role: string) => join(profDir, `${what}-${transport}-${role}.cpuprofile`);
    await sender.call('profileStop', { file: file('sender') });
    await receiver.call('profileStop', { file: file('receiver') });
    return out;
  };
  try {
    const blob: number[] = [];
    const bare: number[] = [];
    /** CPU per MB moved, per process (`all` threads, `main` thread), bare stream and blob path. */
    const cpu = {
      bare: [] as { all: number; main: number }[][],
      blob: [] as { all: number; main: number }[][],
    };
    const perMb = (x: { all: number; main: number }[], y: { all: number; main: number }[], bytes: number) =>
      y.map((c, k) => ({
        all: (c.all - x[k]!.all) / (bytes / 1e6),
        main: (c.main - x[k]!.main) / (bytes / 1e6),
      }));
    for (let r = 0; r < runs; r++) {
      const c0 = await cpuOf([sender, receiver]);
      const last = r === runs - 1;
      const raw = await profiled('bare', last, () =>
        receiver.call<{ ms: number; bytes: number }>(
          'rawPull',
          { peer: sender.peerId, bytes: total },
          600_000,
        ),
      );
      bare.push(raw.bytes / 1e6 / (raw.ms / 1000));
      const c1 = await cpuOf([sender, receiver]);
      await receiver.call('clear', {}, 600_000);
      const c2 = await cpuOf([sender, receiver]);
      const got = await profiled('blob', last, () =>
        values.via === 'fetch'
          ? receiver.call<{ ms: number; bytes: number }>(
              'fetchMany',
              { hashes, peers: [sender.peerId], concurrency: Number(values.concurrency) },
              600_000,
            )
          : receiver.call<{ ms: number; bytes: number }>(
              'replicateMany',
              {
                pins: mixPins(spec, hashes),
                peers: [sender.peerId],
                mediumConcurrency: Number(values['medium-lane']),
                ...(values['small-lane'] ? { smallConcurrency: Number(values['small-lane']) } : {}),
              },
              600_000,
            ),
      );
      if (got.bytes !== total) throw new Error(`fetched ${got.bytes} of ${total} bytes`);
      blob.push(got.bytes / 1e6 / (got.ms / 1000));
      const c3 = await cpuOf([sender, receiver]);
      cpu.bare.push(perMb(c0, c1, raw.bytes));
      cpu.blob.push(perMb(c2, c3, got.bytes));
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
    const both = (runsCpu: { all: number }[][]) => median(runsCpu.map((r) => r[0]!.all + r[1]!.all));
    report({
      bench: 'blob-throughput',
      metric: `${transport}_cpu_ms_per_mb`,
      value: both(cpu.blob),
      unit: 'ms/MB',
      anchor: { name: `bare libp2p ${transport} stream`, value: both(cpu.bare) },
      ratio: both(cpu.blob) / both(cpu.bare),
    });
    // The busier process, and its main thread above all, bounds the rate: each one's CPU per MB.
    roles.forEach((role, k) =>
      (['all', 'main'] as const).forEach((what) => {
        const v = median(cpu.blob.map((r) => r[k]![what]));
        const anchor = median(cpu.bare.map((r) => r[k]![what]));
        report({
          bench: 'blob-throughput',
          metric: `${transport}_${role}_${what === 'all' ? 'cpu' : 'main_thread'}_ms_per_mb`,
          value: v,
          unit: 'ms/MB',
          anchor: { name: `bare libp2p ${transport} stream`, value: anchor },
          ratio: v / anchor,
        });
      }),
    );
  } finally {
    await close();
  }
}
