/**
 * A blob peer in its own process, driven by JSON lines on stdin (one command per line,
 * `{id, cmd, ...}`), answering `{id, ok}` / `{id, error}` and emitting `{event, ...}`.
 * It runs the real code: libp2p over loopback TCP or WebSockets, the filesystem store,
 * the blob server and client, scrub, policy and replicator.
 *
 * argv[2] is JSON: {store, transport, chunkSize?, window?, corruptChunk?}.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import {
  createBlobClient,
  createBlobServer,
  createBlobSession,
  BLOB_PROTOCOL,
  devicePolicy,
  freeUpSpace,
  homeNodeBackupView,
  homeNodePolicy,
  openBlob,
  openPartial,
  pinsOf,
  createReplicator,
  createMemoryBlobStore,
  scrubBlobs,
  toHex,
  type AssetBlobs,
  type AssetId,
  type BlobKind,
  type BlobHash,
  type BlobStore,
  type DeviceId,
  type PeerAccess,
} from '@hearth/sync';
import { createFsBlobStore, createPeerNode, nodeHashing, paceGcMarking } from '@hearth/sync/platform';
import { deterministicBytes } from './deterministic-bytes.ts';
import { rawPull, serveRaw } from './raw-stream.ts';

interface Config {
  store: string;
  transport: 'tcp' | 'ws';
  chunkSize?: number;
  window?: number;
  corruptChunk?: number;
  /** Receive into a memory store (benchmarks: the protocol without the disk). */
  memory?: boolean;
  /** false: V8's default marking triggers instead of the home node's (benchmarks: `--no-gc-pacing`). */
  gcPacing?: boolean;
}
const config = JSON.parse(process.argv[2] ?? '{}') as Config;
// As `hearth start` does: the bench's bare anchor and blob path both run under it.
if (config.gcPacing !== false) paceGcMarking();
const chunkSize = config.chunkSize ?? 1024 * 1024;
const emit = (msg: object) => process.stdout.write(JSON.stringify(msg) + '\n');

const allowed = new Set<string>();
const access: PeerAccess = { isPaired: (p) => allowed.has(p), onRevoked: () => () => undefined };
const fsStore = createFsBlobStore({ root: config.store });
await fsStore.start();

/** Serves chunk `corruptChunk` with one flipped byte (the manifest, read whole, stays honest). */
const served: BlobStore =
  config.corruptChunk === undefined
    ? fsStore
    : {
        ...fsStore,
        async read(hash, start, length) {
          const r = await fsStore.read(hash, start, length);
          if (start === config.corruptChunk! * chunkSize) r.bytes[7] = (r.bytes[7] ?? 0) ^ 0x80;
          return r;
        },
      };

/** The receiving side can be paused at a byte count (so a test can kill the sender mid-transfer). */
let pauseAt = Infinity;
let appended = 0;
let release: (() => void) | undefined;
const receiveBase: BlobStore = config.memory ? createMemoryBlobStore({ hashing: nodeHashing }) : fsStore;
const received: BlobStore = {
  ...receiveBase,
  async resume(hash, chunkSize, verify, options) {
    const partial = await openPartial(receiveBase, hash, chunkSize, verify, options);
    return {
      get size() {
        return partial.size;
      },
      async append(c) {
        await partial.append(c);
        appended += c instanceof Uint8Array ? c.length : c.reduce((n, p) => n + p.length, 0);
        if (appended >= pauseAt) {
          pauseAt = Infinity;
          const gate = new Promise<void>((r) => (release = r));
          emit({ event: 'paused', bytes: appended });
          await gate;
        }
      },
      commit: (digest) => partial.commit(digest),
      close: () => partial.close(),
    };
  },
};

const node = await createPeerNode({
  listen: [config.transport === 'ws' ? '/ip4/127.0.0.1/tcp/0/ws' : '/ip4/127.0.0.1/tcp/0'],
  relayServer: false,
});
const server = createBlobServer({ node, store: served, access, hashing: nodeHashing, chunkSize });
await server.start();
const client = createBlobClient({
  node,
  store: received,
  access,
  hashing: nodeHashing,
  window: config.window ?? 8,
});
await serveRaw(node);
const peers = (ids: string[]) => ids.map((p) => peerIdFromString(p));

let profiler: Session | undefined;

async function wholeOf(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of pieces) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

const commands: Record<string, (m: Record<string, unknown>) => Promise<unknown>> = {
  allow: (m) => Promise.resolve(void allowed.add(m.peer as string)),
  dial: async (m) => void (await node.dial(multiaddr(m.addr as string))),
  generate: async (m) => fsStore.put(deterministicBytes(m.size as number, m.seed as number)),
  has: (m) => fsStore.has(m.hash as BlobHash),
  path: (m) => Promise.resolve(fsStore.pathOf(m.hash as BlobHash)),
  sha256: async (m) => {
    const h = await nodeHashing.sha256();
    for await (const c of (await fsStore.open(m.hash as BlobHash)).body) h.update(c);
    return toHex(h.digest());
  },
  fetch: async (m) => {
    pauseAt = (m.pauseAt as number | undefined) ?? Infinity;
    appended = 0;
    const r = await client.fetch(m.hash as BlobHash, { peers: peers(m.peers as string[]) });
    return r;
  },
  resume: () => Promise.resolve(void release?.()),
  whoHas: async (m) =>
    (await client.whoHas(m.hash as BlobHash, peers(m.peers as string[]))).map((h) => h.peer.toString()),
  askRaw: async (m) => {
    const stream = await node.dialProtocol(peerIdFromString(m.peer as string), BLOB_PROTOCOL);
    const s = createBlobSession(m.peer as string, stream);
    return s.request({ t: 'meta', h: m.hash as string, inline: 0 }).then(
      (r) => ({ answered: r.t }),
      (e: unknown) => ({
        refused: (e as Error).name,
        message: (e as Error).message.replace(/[0-9a-f]{64}/g, '<hash>'),
      }),
    );
  },
  scrub: () => scrubBlobs({ store: fsStore, hashing: nodeHashing, heal: (h) => client.fetch(h) }),
  pins: async (m) => {
    const backups = homeNodeBackupView(client, () => peers([m.home as string]));
    const policy = devicePolicy({ device: node.peerId.toString() as DeviceId, backups });
    return (await policy.pins(m.asset as AssetBlobs)).map((p) => p.kind).sort();
  },
  replicate: async (m) => {
    const rep = createReplicator({
      store: fsStore,
      source: { pins: () => pinsOf(homeNodePolicy(), m.assets as AssetBlobs[]) },
      fetcher: client,
    });
    return rep.runOnce();
  },
  free: async (m) => {
    const backups = homeNodeBackupView(client, () => peers([m.home as string]));
    const policy = devicePolicy({ device: node.peerId.toString() as DeviceId, backups });
    return freeUpSpace({ store: fsStore, policy, backups, assets: m.assets as AssetBlobs[] });
  },
  generateMix: async (m) => {
    const hashes: string[] = [];
    let seed = m.seed as number;
    for (const { size, count } of m.spec as { size: number; count: number }[])
      for (let i = 0; i < count; i++) {
        const bytes = deterministicBytes(size, seed++);
        // Small blobs whole, as a node stores its thumbnails (packed: blob-pack-set.fs.ts).
        const body = size <= 256 * 1024 ? await wholeOf(bytes) : bytes;
        hashes.push((await fsStore.put(body)).hash);
      }
    return hashes;
  },
  fetchMany: async (m) => {
    const queue = [...(m.hashes as BlobHash[])];
    const from = peers(m.peers as string[]);
    let bytes = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: m.concurrency as number }, async () => {
        for (let h = queue.shift(); h; h = queue.shift()) {
          const r = await client.fetch(h, { peers: from });
          bytes += r.size;
        }
      }),
    );
    return { ms: performance.now() - t0, bytes };
  },
  /**
   * The product's path for the same fetches: one replicator pass (its lanes: large blobs 4 at a
   * time, small ones 64, progress events) over pins of the given blobs, from the given peers.
   */
  replicateMany: async (m) => {
    const from = peers(m.peers as string[]);
    const pins = (m.pins as { hash: BlobHash; size: number; kind: BlobKind }[]).map((p) => ({
      ...p,
      assetId: p.hash as string as AssetId,
    }));
    const rep = createReplicator({
      store: received,
      source: { pins: () => pins },
      fetcher: { fetch: (h, o) => client.fetch(h, { ...o, peers: from }) },
      ...(typeof m.mediumConcurrency === 'number' ? { mediumConcurrency: m.mediumConcurrency } : {}),
      ...(typeof m.smallConcurrency === 'number' ? { smallConcurrency: m.smallConcurrency } : {}),
    });
    const t0 = performance.now();
    const done = await rep.runOnce();
    if (done.failed > 0) throw new Error(`${done.failed} blobs failed to replicate`);
    return { ms: performance.now() - t0, bytes: done.bytesDone };
  },
  /** CPU time of this process (µs, all threads) and its main thread's busy time (ms), for CPU per byte. */
  cpu: () =>
    Promise.resolve({
      ...process.cpuUsage(),
      mainMs: (process.threadCpuUsage().user + process.threadCpuUsage().system) / 1000,
    }),
  /** Starts a V8 CPU profile of this process (benchmarks: `--cpu-prof`). */
  profileStart: async () => {
    profiler ??= new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    // 250 µs, not the default ~1 ms: a run's blob path is a second or two of CPU per process.
    await profiler.post('Profiler.setSamplingInterval', { interval: 250 });
    await profiler.post('Profiler.start');
  },
  /** Stops the profile and writes it (a `.cpuprofile`, for Chrome DevTools or speedscope). */
  profileStop: async (m) => {
    if (!profiler) throw new Error('no profile running');
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(m.file as string, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
  },
  rawPull: async (m) => rawPull(node, peerIdFromString(m.peer as string), m.bytes as number),
  clear: async () => {
    for await (const h of receiveBase.list()) await receiveBase.delete(h);
  },
  open: async (m) => {
    const r = await openBlob(fsStore, client, m.hash as BlobHash);
    const h = await nodeHashing.sha256();
    for await (const c of r.body) h.update(c);
    return toHex(h.digest());
  },
};

createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line) as Record<string, unknown> & { id: number; cmd: string };
  const run = commands[m.cmd];
  if (!run) return emit({ id: m.id, error: { code: 'UNKNOWN_COMMAND', message: m.cmd } });
  run(m).then(
    (ok) => emit({ id: m.id, ok: ok ?? null }),
    (e: unknown) =>
      emit({
        id: m.id,
        error: { code: (e as { code?: string }).code ?? 'ERROR', message: String((e as Error).message) },
      }),
  );
});
process.stdin.on('end', () => void Promise.resolve(node.stop()).then(() => process.exit(0)));
emit({
  event: 'ready',
  peerId: node.peerId.toString(),
  addrs: node.getMultiaddrs().map((a) => a.toString()),
});
