/**
 * Where blob-throughput's CPU goes, per thread and per garbage collection: the bench's bare
 * pull and blob fetch between two peer processes (test/blob-support), with each peer's CPU
 * per thread (`/proc/<pid>/task/<tid>/stat`: main, V8 workers = GC and compiler helpers, libuv
 * pool), the whole machine's (`/proc/stat`), and each peer's full GCs (mark-compacts) and
 * their pauses. Linux only; a diagnostic beside the bench, not a goal metric.
 *
 *   node bench/blob-threads.ts [--scale 0.25] [--transport tcp] [--only video,photos,thumbs] [--runs 2] [--concurrency 16]
 *
 * Prints one JSON line per run and path; the first run includes the sender's manifests and a cold JIT.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { blobMix, startMixPeers } from './blob-mix.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.25' },
    transport: { type: 'string', default: 'tcp' },
    only: { type: 'string', default: 'video,photos,thumbs' },
    runs: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
  },
});
const scale = Number(values.scale);
const spec = blobMix(scale, new Set(values.only.split(',')));
const TICK_MS = 10; // USER_HZ = 100

/** CPU ms per thread group of a process so far. */
function threads(pid: number): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    let s: string;
    try {
      s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const key = t === String(pid) ? 'main' : comm.replace(/\d+$/, '');
    m.set(key, (m.get(key) ?? 0) + (Number(f[11]) + Number(f[12])) * TICK_MS);
  }
  return m;
}
/** Busy CPU ms of the whole machine so far. */
function machine(): number {
  const l = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  return (l.reduce((a, b) => a + b, 0) - l[3]! - l[4]!) * TICK_MS;
}
const perMb = (a: Map<string, number>, b: Map<string, number>, mb: number) =>
  Object.fromEntries(
    [...b].map(([k, v]) => [k, +((v - (a.get(k) ?? 0)) / mb).toFixed(2)] as const).filter(([, v]) => v > 0),
  );

const gcDir = await mkdtemp(join(tmpdir(), 'hearth-gc-'));
process.env.HEARTH_GC_DIR = gcDir;
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${fileURLToPath(new URL('./blob-gc-observer.ts', import.meta.url))}`;
const transport = values.transport as 'tcp' | 'ws';
const { sender, receiver, hashes, total, close } = await startMixPeers(
  spec,
  { transport },
  { transport, window: 8 },
);
const phases: { run: number; what: string; t0: number; t1: number; line: Record<string, unknown> }[] = [];
try {
  for (let run = 0; run < Number(values.runs); run++)
    for (const what of ['bare', 'blob'] as const) {
      if (what === 'blob') await receiver.call('clear', {}, 600_000);
      const pids = [sender.child.pid!, receiver.child.pid!];
      const before = pids.map(threads);
      const m0 = machine();
      const t0 = performance.timeOrigin + performance.now();
      const got =
        what === 'bare'
          ? await receiver.call<{ ms: number; bytes: number }>(
              'rawPull',
              { peer: sender.peerId, bytes: total },
              600_000,
            )
          : await receiver.call<{ ms: number; bytes: number }>(
              'fetchMany',
              { hashes, peers: [sender.peerId], concurrency: Number(values.concurrency) },
              600_000,
            );
      const t1 = performance.timeOrigin + performance.now();
      const m1 = machine();
      const after = pids.map(threads);
      const mb = got.bytes / 1e6;
      phases.push({
        run,
        what,
        t0,
        t1,
        line: {
          run,
          what,
          mb_s: +(mb / (got.ms / 1000)).toFixed(1),
          machine_cores_busy: +((m1 - m0) / got.ms).toFixed(2),
          machine_ms_per_mb: +((m1 - m0) / mb).toFixed(2),
          sender_ms_per_mb: perMb(before[0]!, after[0]!, mb),
          receiver_ms_per_mb: perMb(before[1]!, after[1]!, mb),
        },
      });
    }
} finally {
  const pids = [sender.child.pid!, receiver.child.pid!];
  await close();
  const gcs = await Promise.all(
    pids.map(
      async (pid) =>
        JSON.parse(await readFile(join(gcDir, `gc-${pid}.json`), 'utf8').catch(() => '[]')) as [
          number,
          number,
          number,
        ][],
    ),
  );
  await rm(gcDir, { recursive: true, force: true });
  const MARK_COMPACT = 4; // PerformanceObserver gc kind: NODE_PERFORMANCE_GC_MAJOR
  for (const p of phases) {
    const full = gcs.map((g) => g.filter(([t, , k]) => k === MARK_COMPACT && t >= p.t0 && t <= p.t1));
    console.log(
      JSON.stringify({
        ...p.line,
        mark_compacts: full.map((f) => f.length),
        mark_compact_pause_ms: full.map((f) => Math.round(f.reduce((s, [, d]) => s + d, 0))),
      }),
    );
  }
}
