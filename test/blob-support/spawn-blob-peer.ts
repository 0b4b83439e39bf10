/**
 * Starts `blob-peer.ts` in its own Node process and talks to it: `call` sends a command
 * and waits for its answer, `event` waits for an emitted event; every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running blob peer process. */
export interface BlobPeerProcess {
  peerId: string;
  addrs: string[];
  store: string;
  child: ChildProcess;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  event<T = Record<string, unknown>>(name: string, timeoutMs?: number): Promise<T>;
  /** Ends the process (SIGKILL for a crash, or a clean stop by closing stdin). */
  stop(signal?: 'SIGKILL'): Promise<void>;
}

export interface BlobPeerConfig {
  transport?: 'tcp' | 'ws';
  chunkSize?: number;
  window?: number;
  corruptChunk?: number;
  memory?: boolean;
  /** An existing store directory (a restarted peer); default: a fresh temp directory. */
  store?: string;
  /** false: V8's default marking triggers, not the home node's `paceGcMarking` (benchmarks). */
  gcPacing?: boolean;
  /** Node/V8 flags for the peer process (benchmarks: e.g. `--single-threaded-gc`). */
  execArgv?: string[];
}

const script = fileURLToPath(new URL('./blob-peer.ts', import.meta.url));
/** How long a clean stop may take before the peer is killed. */
const STOP_MS = 15_000;

export async function spawnBlobPeer(
  config: BlobPeerConfig = {},
  timeoutMs = 20_000,
): Promise<BlobPeerProcess> {
  const store = config.store ?? (await mkdtemp(join(tmpdir(), 'hearth-blob-peer-')));
  const { execArgv = [], ...peerConfig } = config;
  const child = spawn(
    process.execPath,
    [...execArgv, script, JSON.stringify({ transport: 'tcp', ...peerConfig, store })],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiters = new Set<{
    match: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }>();
  const buffered: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    for (const w of waiters)
      if (w.match(m)) {
        waiters.delete(w);
        w.resolve(m);
        return;
      }
    buffered.push(m);
  });
  const wait = (match: (m: Record<string, unknown>) => boolean, ms: number, what: string) => {
    const i = buffered.findIndex(match);
    if (i >= 0) return Promise.resolve(buffered.splice(i, 1)[0]!);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const w = { match, resolve };
      waiters.add(w);
      const t = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`blob peer: no ${what} within ${ms} ms; stderr: ${stderr}`));
      }, ms);
      void exited.then(() => {
        if (!waiters.has(w)) return;
        waiters.delete(w);
        clearTimeout(t);
        reject(new Error(`blob peer exited while waiting for ${what}; stderr: ${stderr}`));
      });
      const done = w.resolve;
      w.resolve = (m) => {
        clearTimeout(t);
        done(m);
      };
    });
  };
  let ready: Record<string, unknown>;
  try {
    ready = await wait((m) => m.event === 'ready', timeoutMs, 'ready');
  } catch (e) {
    // A peer that never got ready (a loaded machine) is ended, and a store made for it removed.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    if (!config.store) await rm(store, { recursive: true, force: true });
    throw e;
  }
  let nextId = 0;
  return {
    peerId: ready.peerId as string,
    addrs: ready.addrs as string[],
    store,
    child,
    async call<T>(cmd: string, args: Record<string, unknown> = {}, ms = 60_000): Promise<T> {
      const id = nextId++;
      child.stdin!.write(JSON.stringify({ ...args, id, cmd }) + '\n');
      const m = await wait((x) => x.id === id, ms, `answer to ${cmd}`);
      if (m.error) throw Object.assign(new Error((m.error as { message: string }).message), m.error);
      return m.ok as T;
    },
    async event<T>(name: string, ms = 60_000): Promise<T> {
      return (await wait((m) => m.event === name, ms, `event ${name}`)) as T;
    },
    async stop(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (signal) child.kill(signal);
      else {
        child.stdin!.end();
        // A clean stop that does not end in time is killed: Node 24 can deadlock in its exit
        // (`process.exit` joins a V8 worker stuck in a concurrent baseline compile that waits
        // for a GC the exiting main thread never runs; seen once in blob-throughput's sender).
        let t: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<boolean>((resolve) => (t = setTimeout(() => resolve(true), STOP_MS)));
        const hung = await Promise.race([exited.then(() => false), late]);
        clearTimeout(t);
        if (hung && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      await exited;
    },
  };
}

/** Pairs two peers both ways and connects `a` to `b`. */
export async function pair(a: BlobPeerProcess, b: BlobPeerProcess): Promise<void> {
  await a.call('allow', { peer: b.peerId });
  await b.call('allow', { peer: a.peerId });
  await a.call('dial', { addr: b.addrs[0] });
}
