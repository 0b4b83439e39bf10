/**
 * The replicator fetches what a device pins and does not hold (pinned − held), with
 * bounded concurrency, and reports progress for the apps (bytes and files done/left, rate,
 * ETA). Its state is derived from the pins and the store, so a restart repeats nothing that
 * finished. A pass runs on start, on `poke()` (catalog changed, peer connected) and after
 * `retryAfterMs` when something failed.
 */
import type { BlobHash } from '../ids.ts';
import type { BlobStore } from './blob-store.ts';
import type { Pin } from './pin-policy.ts';

/** What should be held (e.g. `pinsOf(policy, catalogAssets())`). */
export interface PinSource {
  pins(): AsyncIterable<Pin> | Iterable<Pin>;
}

/** Fetches one blob into the local store (BlobClient fits). */
export interface BlobFetcher {
  fetch(
    hash: BlobHash,
    options?: { onProgress?: (p: { bytes: number; total?: number }) => void },
  ): Promise<unknown>;
}

/** A progress snapshot. */
export interface ReplicationProgress {
  /** Distinct blobs pinned in the current pass. */
  pinned: number;
  /** Of those, held now (held before the pass, plus fetched). */
  held: number;
  filesDone: number;
  filesLeft: number;
  bytesDone: number;
  bytesLeft: number;
  failed: number;
  /** Bytes per second over the current pass. */
  rate: number;
  /** Seconds left at the current rate; undefined before anything moved. */
  eta: number | undefined;
  running: boolean;
}

/** Options of the replicator. */
export interface ReplicatorOptions {
  store: BlobStore;
  source: PinSource;
  fetcher: BlobFetcher;
  /** Called after a pinned blob was fetched (e.g. to record the device as a holder). */
  onFetched?: (pin: Pin) => Promise<void> | void;
  /** Called when fetching a pinned blob failed (it is tried again in the next pass that pins it). */
  onFailed?: (pin: Pin, error: unknown) => void;
  /** Fetches in flight of large blobs (over 16 MiB, or of unknown size: videos, RAW files), default 4. */
  concurrency?: number;
  /**
   * Fetches in flight of medium blobs (over 256 KiB up to 16 MiB: photos, previews), default 16.
   * Each is a few chunks, so a few at a time spend much of their time between blobs (the
   * commit's fsync and rename, the next blob's first round trip) with the link idle
   * (bench/blob-throughput.bench.ts `--medium-lane`, docs/benchmarks.md). In-flight memory stays
   * bounded by the blobs' size (≤ 16 × 16 MiB) and the client's window.
   */
  mediumConcurrency?: number;
  /**
   * Fetches in flight for small blobs (≤ 256 KiB, or thumbnails of unknown size), default 64:
   * they cost little memory, and one at a time they are bound by round trips and fsyncs,
   * not bandwidth. The client batches the small blobs asked at once, 32 a request (~1 MiB of
   * thumbnails): 64 keep two requests in flight, so one answer crosses the link while the
   * other's puts are hashed and synced (at 32, all of them waited on the same datasync with
   * the link idle; docs/benchmarks.md#blob-throughput).
   */
  smallConcurrency?: number;
  /** Next pass after a failure (default 30 s). */
  retryAfterMs?: number;
}

/** The replicator; listen to `progress` (CustomEvent<ReplicationProgress>) and `idle` events. */
export interface Replicator extends EventTarget {
  start(): Promise<void>;
  stop(): Promise<void>;
  poke(): void;
  /** One pass now; resolves with its final progress. */
  runOnce(): Promise<ReplicationProgress>;
  progress(): ReplicationProgress;
}

const SMALL = 256 * 1024;
const MEDIUM = 16 * 1024 * 1024;

/** A pin's lane by its size; one of unknown size (0) is small if a thumbnail, else large. */
function laneOf(p: Pin): 'small' | 'medium' | 'large' {
  if (p.size === 0) return p.kind === 'thumbnail' ? 'small' : 'large';
  return p.size <= SMALL ? 'small' : p.size <= MEDIUM ? 'medium' : 'large';
}

export function createReplicator(options: ReplicatorOptions): Replicator {
  const concurrency = options.concurrency ?? 4;
  const smallConcurrency = options.smallConcurrency ?? 64;
  const mediumConcurrency = options.mediumConcurrency ?? 16;
  const retryAfterMs = options.retryAfterMs ?? 30_000;
  const events = new EventTarget();
  let state: ReplicationProgress = {
    pinned: 0,
    held: 0,
    filesDone: 0,
    filesLeft: 0,
    bytesDone: 0,
    bytesLeft: 0,
    failed: 0,
    rate: 0,
    eta: undefined,
    running: false,
  };
  let running = false;
  let stopping = false;
  let wake: (() => void) | undefined;
  let poked = false;
  let loop: Promise<void> | undefined;
  let current: Promise<ReplicationProgress> | undefined;

  const emit = (started: number) => {
    const secs = (performance.now() - started) / 1000;
    state.rate = secs > 0 ? state.bytesDone / secs : 0;
    state.eta = state.rate > 0 ? state.bytesLeft / state.rate : undefined;
    events.dispatchEvent(new CustomEvent('progress', { detail: { ...state } }));
  };

  async function pass(): Promise<ReplicationProgress> {
    const want = new Map<BlobHash, Pin>();
    const seen = new Set<BlobHash>();
    for await (const p of options.source.pins()) {
      if (seen.has(p.hash)) continue;
      seen.add(p.hash);
      if (!(await options.store.has(p.hash))) want.set(p.hash, p);
    }
    const queue = [...want.values()];
    const lanes = { small: [] as Pin[], medium: [] as Pin[], large: [] as Pin[] };
    for (const p of queue) lanes[laneOf(p)].push(p);
    state = {
      pinned: seen.size,
      held: seen.size - queue.length,
      filesDone: 0,
      filesLeft: queue.length,
      bytesDone: 0,
      bytesLeft: queue.reduce((s, p) => s + p.size, 0),
      failed: 0,
      rate: 0,
      eta: undefined,
      running: true,
    };
    const started = performance.now();
    emit(started);
    const worker = async (lane: Pin[]) => {
      for (let p = lane.shift(); p && !stopping; p = lane.shift()) {
        let partial = 0;
        const pinned = p;
        // A pin may not know its size (derivatives in the catalog): the fetch tells it.
        let size = pinned.size;
        try {
          await options.fetcher.fetch(pinned.hash, {
            onProgress: ({ bytes, total }) => {
              if (total !== undefined && total !== size) {
                state.bytesLeft += total - size;
                size = total;
              }
              const d = Math.min(bytes, size) - partial;
              partial += d;
              state.bytesDone += d;
              state.bytesLeft -= d;
              emit(started);
            },
          });
          state.bytesDone += size - partial;
          state.bytesLeft -= size - partial;
          state.filesDone++;
          state.held++;
        } catch (e) {
          options.onFailed?.(pinned, e);
          state.bytesDone -= partial;
          state.bytesLeft += partial - size;
          state.failed++;
          state.filesLeft--;
          emit(started);
          continue;
        }
        // Best effort: the blob is held either way.
        await Promise.resolve()
          .then(() => options.onFetched?.(pinned))
          .catch(() => undefined);
        state.filesLeft--;
        emit(started);
      }
    };
    const workers = (n: number, lane: Pin[]) =>
      Array.from({ length: Math.min(n, lane.length) }, () => worker(lane));
    await Promise.all([
      ...workers(concurrency, lanes.large),
      ...workers(mediumConcurrency, lanes.medium),
      ...workers(smallConcurrency, lanes.small),
    ]);
    state.running = false;
    emit(started);
    events.dispatchEvent(new CustomEvent('idle', { detail: { ...state } }));
    return { ...state };
  }

  function runOnce(): Promise<ReplicationProgress> {
    current ??= pass().finally(() => (current = undefined));
    return current;
  }

  return Object.assign(events, {
    start() {
      if (running) return Promise.resolve();
      running = true;
      stopping = false;
      loop = (async () => {
        while (running) {
          poked = false;
          const r = await runOnce().catch(() => undefined);
          if (!running) break;
          if (poked) continue;
          await new Promise<void>((resolve) => {
            const t = r && r.failed > 0 ? setTimeout(resolve, retryAfterMs) : undefined;
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = undefined;
        }
      })();
      return Promise.resolve();
    },
    async stop() {
      running = false;
      stopping = true;
      wake?.();
      await loop;
      await current;
    },
    poke() {
      poked = true;
      wake?.();
    },
    runOnce,
    progress: () => ({ ...state }),
  });
}
