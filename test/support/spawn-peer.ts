import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerEvent, PeerMessage, PeerReply } from './peer-protocol.ts';

const SCRIPT = fileURLToPath(new URL('./peer-process.ts', import.meta.url));

/** A command failed inside the peer; `code` is the peer-side error's stable code. */
export class PeerCommandError extends Error {
  readonly code: string;
  constructor(cmd: string, code: string, message: string) {
    super(`${cmd}: ${message}`);
    this.code = code;
    this.name = 'PeerCommandError';
  }
}

/** A peer process, driven by commands. */
export interface PeerProcess {
  name: string;
  peerId: string;
  /** [tcp, ws] listen addresses with /p2p */
  addrs: { tcp: string; ws: string };
  /** everything the peer reported, in order */
  events: PeerEvent[];
  call<T = unknown>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Resolves with the first event (already seen or future) matching `pred`. */
  waitEvent(pred: (e: PeerEvent) => boolean, timeoutMs?: number, what?: string): Promise<PeerEvent>;
  stop(): Promise<void>;
}

const live = new Set<{ child: ChildProcess; dir: string; exited: Promise<void> }>();

/** SIGKILLs the peer and waits for it to be gone: its dir must not be removed while it writes. */
async function kill(entry: { child: ChildProcess; exited: Promise<void> }): Promise<void> {
  if (entry.child.exitCode === null && entry.child.signalCode === null) entry.child.kill('SIGKILL');
  await bounded(entry.exited, 5000, 'a killed peer exit').catch(() => {});
}

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** Starts a peer process and waits until it listens. */
export async function spawnPeer(name: string, timeoutMs = 30_000): Promise<PeerProcess> {
  const dir = await mkdtemp(join(tmpdir(), `hearth-${name}-`));
  const child = fork(SCRIPT, [], {
    execPath: process.execPath,
    env: { ...process.env, HEARTH_PEER_NAME: name, HEARTH_PEER_DIR: dir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const entry = { child, dir, exited: exitedPromise };
  live.add(entry);
  const events: PeerEvent[] = [];
  const waiters = new Set<{ pred: (e: PeerEvent) => boolean; resolve: (e: PeerEvent) => void }>();
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; cmd: string }
  >();
  let nextId = 1;
  let exited = false;
  let onReady: (() => void) | undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));

  child.on('message', (m: PeerMessage) => {
    if ('ready' in m) return onReady?.();
    if ('event' in m) {
      events.push(m);
      for (const w of waiters)
        if (w.pred(m)) {
          waiters.delete(w);
          w.resolve(m);
        }
      return;
    }
    const r = m as PeerReply;
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.result);
    else p.reject(new PeerCommandError(p.cmd, r.error.code, r.error.message));
  });
  child.once('exit', (code) => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`peer ${name} exited (${code}) during ${p.cmd}`));
    pending.clear();
  });

  const call = <T>(cmd: string, args: Record<string, unknown> = {}, ms = 30_000): Promise<T> => {
    if (exited) return Promise.reject(new Error(`peer ${name} has exited`));
    const id = nextId++;
    const p = new Promise<T>((resolve, reject) =>
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, cmd }),
    );
    child.send({ id, cmd, args });
    return bounded(p, ms, `${name}.${cmd}`);
  };

  try {
    await bounded(
      Promise.race([
        ready,
        exitedPromise.then(() => Promise.reject(new Error(`peer ${name} exited at start`))),
      ]),
      timeoutMs,
      `${name} start`,
    );
  } catch (e) {
    await kill(entry);
    live.delete(entry);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const info = await call<{ peerId: string; addrs: string[] }>('info');
  const withP2p = (a: string | undefined): string =>
    `${(a ?? '').replace(/\/p2p\/.*$/, '')}/p2p/${info.peerId}`;
  return {
    name,
    peerId: info.peerId,
    addrs: {
      tcp: withP2p(info.addrs.find((a) => !a.includes('/ws'))),
      ws: withP2p(info.addrs.find((a) => a.includes('/ws'))),
    },
    events,
    call,
    waitEvent(pred, ms = 20_000, what = 'event') {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      let w: { pred: typeof pred; resolve: (e: PeerEvent) => void } | undefined;
      const p = new Promise<PeerEvent>((resolve) => {
        w = { pred, resolve };
        waiters.add(w);
      });
      return bounded(p, ms, `${name}: ${what}`).finally(() => {
        if (w) waiters.delete(w);
      });
    },
    async stop() {
      if (!exited) {
        await call('stop', {}, 10_000).catch(() => {});
        await bounded(exitedPromise, 5000, `${name} exit`).catch(() => kill(entry));
      }
      live.delete(entry);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Kills every peer still running (afterEach/afterAll), whatever state it is in. */
export async function stopAllPeers(): Promise<void> {
  await Promise.all(
    [...live].map(async (entry) => {
      await kill(entry);
      await rm(entry.dir, { recursive: true, force: true });
    }),
  );
  live.clear();
}

process.on('exit', () => {
  for (const { child } of live) child.kill('SIGKILL');
});

/** A home node with a fresh library and `n - 1` devices paired to it over `transport`. */
export async function pairedPeers(
  n: number,
  transport: 'tcp' | 'ws' = 'tcp',
): Promise<{ home: PeerProcess; devices: PeerProcess[]; rootUrl: string; libraryPublicKey: string }> {
  const peers = await Promise.all(
    Array.from({ length: n }, (_, i) => spawnPeer(i === 0 ? 'home' : `device${i}`)),
  );
  const [home, ...devices] = peers as [PeerProcess, ...PeerProcess[]];
  const lib = await home.call<{ rootUrl: string; libraryPublicKey: string }>('init-library');
  for (const d of devices) {
    const { link } = await home.call<{ link: string }>('issue-code');
    const addr = transport === 'tcp' ? home.addrs.tcp : home.addrs.ws;
    const onlyOne =
      link.replace(/&a=[^&]*/g, '') + `&a=${encodeURIComponent(addr.replace(/\/p2p\/.*$/, ''))}`;
    await d.call('pair', { link: onlyOne });
  }
  return { home, devices, ...lib };
}

/** A home node and one paired device. */
export const twoPeers = (transport: 'tcp' | 'ws' = 'tcp') => pairedPeers(2, transport);
/** A home node and two paired devices (the devices learn of each other through the root document). */
export const threePeers = (transport: 'tcp' | 'ws' = 'tcp') => pairedPeers(3, transport);
