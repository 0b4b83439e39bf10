/**
 * node-cold-start: seconds from spawning `hearth start` to the node serving the app and
 * accepting peers (its `ready` line, printed after HTTP and libp2p listen; checked with
 * /readyz), on a 100,000-asset library (journal + derivative records + the synced catalog's
 * Automerge documents). Anchor: the same on an empty library, in the same run. Medians of 3.
 * Goal: start_s ≤ 2.   Usage: npm run bench -- node-cold-start [assets] [runs]
 * Also `cpu_s`: the CPU the node used up to its ready line (user + system, from /proc), which a
 * loaded machine changes much less than the wall time; and `readyz_ms`, how long the first /readyz
 * after the ready line takes (the work a node starts once ready must leave it answering).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNodeLibrary, CLI } from '@hearth/node-peer/testing';
import { catalogFixture } from './catalog-fixture.ts';
import { median, report } from './report.ts';

const assets = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);

/** CPU seconds (user + system) a process has used, from /proc (Linux clock ticks: 100 a second). */
function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Start a node, time it to ready, confirm /readyz, stop it; returns seconds, CPU seconds to ready and the child's RSS. */
export async function startOnce(
  dataDir: string,
  idle: boolean,
): Promise<{ startS: number; cpuS: number; readyzMs: number; rssMb: number }> {
  const t = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, '--data-dir', dataDir, 'start', '--port', '0', '--p2p-port', '0', '--no-mdns'],
    // ML off: this measures the node, not model loading (node-ml is its own concern).
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HEARTH_ML: 'off' } },
  );
  let out = '';
  let cpuS = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Serving the app at (\S+)[\s\S]*^ready$/m.exec(out);
      if (m?.[1]) {
        cpuS = cpuSeconds(child.pid!);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`hearth start exited ${code}: ${out}`)));
  });
  const startS = (performance.now() - t) / 1000;
  const asked = performance.now();
  if ((await fetch(new URL('/readyz', url))).status !== 200)
    throw new Error('ready line printed but /readyz is not 200');
  const readyzMs = performance.now() - asked;
  let rssMb = 0;
  if (idle) {
    // Idle: the reconcile loop has checked every asset and has nothing to do.
    for (;;) {
      const st = (await (await fetch(new URL('/api/status', url))).json()) as {
        reconcile?: { idle: boolean };
      };
      if (st.reconcile?.idle) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const status = await import('node:fs/promises').then((fs) =>
      fs.readFile(`/proc/${child.pid}/status`, 'utf8'),
    );
    rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { startS, cpuS, readyzMs, rssMb };
}

export async function makeLibraries(n: number): Promise<{ big: string; empty: string; cleanup(): void }> {
  const base = mkdtempSync(join(tmpdir(), 'hearth-node-bench-'));
  const big = join(base, 'big');
  const empty = join(base, 'empty');
  const fixture = await catalogFixture(n);
  const t = performance.now();
  await buildNodeLibrary(big, n, { automerge: { dir: fixture.dir, rootUrl: fixture.rootUrl } });
  await buildNodeLibrary(empty, 0);
  process.stderr.write(
    `node library of ${n} assets built in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
  );
  return { big, empty, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

if (import.meta.main) {
  const libs = await makeLibraries(assets);
  try {
    type Run = { startS: number; cpuS: number; readyzMs: number };
    const big: Run[] = [];
    const empty: Run[] = [];
    for (let i = 0; i < runs; i++) {
      empty.push(await startOnce(libs.empty, false));
      big.push(await startOnce(libs.big, false));
    }
    for (const [metric, unit, of] of [
      ['start_s', 's', (r: Run) => r.startS],
      ['cpu_s', 's', (r: Run) => r.cpuS],
      ['readyz_ms', 'ms', (r: Run) => r.readyzMs],
    ] as const) {
      const v = median(big.map(of));
      const a = median(empty.map(of));
      report({
        bench: 'node-cold-start',
        metric,
        value: v,
        unit,
        anchor: { name: 'empty library', value: a },
        ratio: v / a,
      });
    }
  } finally {
    libs.cleanup();
  }
}
