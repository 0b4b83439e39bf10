/**
 * blob-throughput: a 1 GiB mix of blobs (1 × 500 MB video, 200 × 2.5 MB photos, 2,000 × 30 KB
 * thumbnails) fetched over `/hearth/blob/1` between two peer processes on loopback, over TCP
 * and WebSockets, into the receiver's filesystem store (hash-checked, fsynced). The anchor, in
 * the same run and the same processes: a bare libp2p stream moving the same number of bytes.
 *
 *   npm run bench -- blob-throughput [--scale 1] [--runs 3] [--chunk 1048576] [--window 8] [--transports tcp,ws]
 *     [--cpu-prof <dir>]
 *
 * `--cpu-prof <dir>` writes V8 CPU profiles of both peer processes during the last run's
 * bare pull and blob fetch (`<dir>/{bare,blob}-<transport>-{sender,receiver}.cpuprofile`).
 *
 * Metrics: `<t>_mb_s` (blob path, MB/s; anchor = bare stream), `<t>_ratio` (goal ≥ 0.8), and
 * `<t>_cpu_ms_per_mb` (CPU of both processes per MB moved, blob path; anchor = bare stream):
 * on a shared 2-core machine the sum of both processes' CPU bounds the ratio, and CPU per MB
 * moves far less with the load than MB/s does (Linux only: read from /proc).
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
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
    'cpu-prof': { type: 'string' },
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
/** User + system CPU of the processes, in ms (undefined where /proc is absent). */
async function cpuMs(pids: (number | undefined)[]): Promise<number | undefined> {
  try {
    let ticks = 0;
    for (const pid of pids) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

if (values['cpu-prof']) await mkdir(values['cpu-prof'], { recursive: true });
const total = spec.reduce((s, x) => s + x.size * x.count, 0);

for (const transport of values.transports.split(',') as ('tcp' | 'ws')[]) {
  const sender = await spawnBlobPeer({ transport, chunkSize });
  const receiver = await spawnBlobPeer({ transport, chunkSize, window, memory: values.memory });
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
    await pair(receiver, sender);
    const hashes = await sender.call<string[]>('generateMix', { spec, seed: 1 }, 600_000);
    const blob: number[] = [];
    const bare: number[] = [];
    const blobCpu: number[] = [];
    const bareCpu: number[] = [];
    const pids = [sender.child.pid, receiver.child.pid];
    for (let r = 0; r < runs; r++) {
      const c0 = await cpuMs(pids);
      const last = r === runs - 1;
      const raw = await profiled('bare', last, () =>
        receiver.call<{ ms: number; bytes: number }>(
          'rawPull',
          { peer: sender.peerId, bytes: total },
          600_000,
        ),
      );
      bare.push(raw.bytes / 1e6 / (raw.ms / 1000));
      const c1 = await cpuMs(pids);
      await receiver.call('clear', {}, 600_000);
      const c2 = await cpuMs(pids);
      const got = await profiled('blob', last, () =>
        receiver.call<{ ms: number; bytes: number }>(
          'fetchMany',
          { hashes, peers: [sender.peerId], concurrency: Number(values.concurrency) },
          600_000,
        ),
      );
      if (got.bytes !== total) throw new Error(`fetched ${got.bytes} of ${total} bytes`);
      blob.push(got.bytes / 1e6 / (got.ms / 1000));
      const c3 = await cpuMs(pids);
      if (c0 !== undefined && c1 !== undefined && c2 !== undefined && c3 !== undefined) {
        bareCpu.push((c1 - c0) / (raw.bytes / 1e6));
        blobCpu.push((c3 - c2) / (got.bytes / 1e6));
      }
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
    if (blobCpu.length > 0)
      report({
        bench: 'blob-throughput',
        metric: `${transport}_cpu_ms_per_mb`,
        value: median(blobCpu),
        unit: 'ms/MB',
        anchor: { name: `bare libp2p ${transport} stream`, value: median(bareCpu) },
        ratio: median(blobCpu) / median(bareCpu),
      });
  } finally {
    await sender.stop();
    await receiver.stop();
    await rm(sender.store, { recursive: true, force: true });
    await rm(receiver.store, { recursive: true, force: true });
  }
}
