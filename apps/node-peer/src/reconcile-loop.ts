import type { AssetId, BlobHash } from '@hearth/sync';
import type { FsBlobStore } from '@hearth/sync/platform';
import type { AssetRecord } from './asset-record.ts';
import type { NodeCatalog } from './node-catalog.ts';
import type { PipelineStep } from './pipeline-step.ts';

/** Progress of one kind of work. */
export interface KindStatus {
  done: number;
  pending: number;
  running: number;
  failed: number;
  /** file name of the newest job started, while the kind has work running */
  current?: string;
}

/** What the loop is doing, for `hearth status` and the PWA. */
export interface ReconcileStatus {
  idle: boolean;
  kinds: Record<string, KindStatus>;
}

/** Derives what should exist and does the difference; see the README's "reconcile loop". */
export interface ReconcileLoop {
  start(): Promise<void>;
  /** Stop taking work, abort in-flight steps (their half-made output is never recorded) and wait for them. */
  stop(): Promise<void>;
  status(): ReconcileStatus;
  /** Look for new assets now (the daemon also polls). */
  poke(): void;
  /** Resolves the next time nothing is queued or running. */
  idle(): Promise<void>;
}

export interface ReconcileOptions {
  catalog: NodeCatalog;
  blobs: Pick<FsBlobStore, 'has' | 'put' | 'fileOf'>;
  steps: PipelineStep[];
  /** Jobs at once per kind. */
  concurrency: number;
  /** How often to look for assets added by other processes (ms; 0 = only on poke). */
  pollMs?: number;
  onError?: (kind: string, asset: AssetId, err: unknown) => void;
}

/** Assets a scan considers between two turns of the event loop (a few ms of work). */
const ASSETS_PER_TURN = 500;

/** A queue with O(1) shift: a read index, the array compacted once half of it is consumed. */
function createFifo<T>(): {
  push(t: T): void;
  shift(): T | undefined;
  clear(): void;
  readonly length: number;
} {
  let items: T[] = [];
  let head = 0;
  return {
    push: (t) => void items.push(t),
    shift() {
      if (head >= items.length) return undefined;
      const t = items[head++];
      if (head > 1024 && head * 2 > items.length) {
        items = items.slice(head);
        head = 0;
      }
      return t;
    },
    clear() {
      items = [];
      head = 0;
    },
    get length() {
      return items.length - head;
    },
  };
}

/**
 * The loop keeps no state of its own: "done" means the catalog has a derived record at
 * the step's version whose blob exists. The record is written only after its blob is
 * stored, so killing the process at any moment loses nothing and repeats only the jobs
 * that were in flight.
 */
export function createReconcileLoop(opts: ReconcileOptions): ReconcileLoop {
  const { catalog, blobs, steps } = opts;
  // FIFO per kind; `shift()` on a 100k-long array is O(n), and a new pipeline version queues every asset.
  const queues = new Map(steps.map((s) => [s.kind, createFifo<AssetRecord>()]));
  const queued = new Map(steps.map((s) => [s.kind, new Set<AssetId>()]));
  const running = new Map(steps.map((s) => [s.kind, new Set<Promise<void>>()]));
  const counts = new Map(steps.map((s) => [s.kind, { done: 0, failed: 0 }]));
  /** per kind, the file of the newest job started (status: what it is working on) */
  const current = new Map<string, string>();
  const abort = new AbortController();
  let stopping = false;
  let scanning: Promise<void> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let idleWaiters: (() => void)[] = [];

  async function satisfied(step: PipelineStep, a: AssetRecord): Promise<boolean> {
    const rec = catalog.derived(a.id).get(step.kind);
    if (!rec || rec.version < step.version) return false;
    if (step.key !== undefined && rec.values?.['model'] !== step.key) return false;
    if (rec.failed !== undefined) return true;
    for (const h of Object.values(rec.blobs)) if (!(await blobs.has(h))) return false;
    return true;
  }

  const seen = new Set<AssetId>();

  async function consider(assets: Iterable<AssetRecord>): Promise<void> {
    let n = 0;
    for (const a of assets) {
      if (stopping) return;
      // `has` answers from memory for packed blobs, so without this a pass over 100k assets is
      // one ~1 s chain of microtasks: HTTP, libp2p and timers wait for it (a start's `ready`).
      if (++n % ASSETS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      for (const step of steps) {
        if (!step.appliesTo(a) || queued.get(step.kind)?.has(a.id)) continue;
        const c = counts.get(step.kind);
        if (await satisfied(step, a)) {
          if (c && catalog.derived(a.id).get(step.kind)?.failed) c.failed++;
          else if (c) c.done++;
          continue;
        }
        queued.get(step.kind)?.add(a.id);
        queues.get(step.kind)?.push(a);
      }
      pump();
    }
  }

  async function job(step: PipelineStep, a: AssetRecord): Promise<void> {
    const c = counts.get(step.kind);
    try {
      const out = await step.run(a, { originalPath: await blobs.fileOf(a.original), signal: abort.signal });
      if (abort.signal.aborted) return;
      const stored: Record<string, BlobHash> = {};
      for (const [name, bytes] of Object.entries(out.blobs)) stored[name] = (await blobs.put(bytes)).hash;
      // The record goes last: it is what makes the work count as done.
      await catalog.addDerived({
        asset: a.id,
        kind: step.kind,
        version: step.version,
        blobs: stored,
        // The models key goes in by the loop, so a keyed step cannot forget what `satisfied` compares.
        ...(out.values || step.key !== undefined
          ? { values: { ...out.values, ...(step.key !== undefined ? { model: step.key } : {}) } }
          : {}),
      });
      if (c) c.done++;
    } catch (err) {
      if (abort.signal.aborted) return;
      opts.onError?.(step.kind, a.id, err);
      const code = (err as { code?: string }).code;
      // Only a step's verdict on the input is final; disk full and the like are retried next start.
      if (code === 'STEP_FAILED') {
        await catalog
          .addDerived({
            asset: a.id,
            kind: step.kind,
            version: step.version,
            blobs: {},
            ...(step.key !== undefined ? { values: { model: step.key } } : {}),
            failed: (err as Error).message,
          })
          .catch(() => undefined);
        if (c) c.failed++;
      }
    } finally {
      queued.get(step.kind)?.delete(a.id);
    }
  }

  function pump(): void {
    if (stopping) return;
    for (const step of steps) {
      const q = queues.get(step.kind) ?? createFifo<AssetRecord>();
      const r = running.get(step.kind) ?? new Set();
      while (r.size < (step.concurrency ?? opts.concurrency) && q.length) {
        const a = q.shift() as AssetRecord;
        current.set(step.kind, a.fileName);
        const p: Promise<void> = job(step, a).finally(() => {
          r.delete(p);
          pump();
        });
        r.add(p);
      }
    }
    if (isIdle()) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  }

  function isIdle(): boolean {
    // A poll's look at the catalog that finds nothing new is not work: counting it made the
    // status flip to busy once a second on an idle node.
    if (working > 0 || arrived.length > 0) return false;
    for (const s of steps)
      if ((queues.get(s.kind)?.length ?? 0) + (running.get(s.kind)?.size ?? 0) > 0) return false;
    return true;
  }

  /** Assets announced by the catalog, waiting to be considered in order. */
  let arrived: AssetRecord[] = [];
  let unsubscribe: (() => void) | undefined;
  /** Scans with something to consider: a full pass, or a batch of arrivals. */
  let working = 0;

  function scan(all: boolean): void {
    if (stopping) return;
    const prev = scanning ?? Promise.resolve();
    let counted = all;
    if (all) working++;
    const p: Promise<void> = prev
      .then(async () => {
        await catalog.refresh();
        const batch = all ? [...catalog.assets()] : arrived;
        arrived = [];
        if (!counted && batch.length > 0) {
          counted = true;
          working++;
        }
        await consider(batch);
      })
      .catch((err: unknown) => opts.onError?.('scan', '' as AssetId, err))
      .finally(() => {
        if (counted) working--;
        if (scanning === p) scanning = undefined;
        if (arrived.length && !stopping) scan(false);
        else pump();
      });
    scanning = p;
  }

  return {
    async start() {
      unsubscribe = catalog.onAdded((a) => {
        arrived.push(a);
        if (!scanning) scan(false);
      });
      scan(true);
      if (opts.pollMs) timer = setInterval(() => scan(false), opts.pollMs);
      timer?.unref();
    },
    async stop() {
      stopping = true;
      unsubscribe?.();
      if (timer) clearInterval(timer);
      abort.abort();
      for (const q of queues.values()) q.clear();
      await scanning;
      await Promise.all([...running.values()].flatMap((s) => [...s]));
    },
    status() {
      const kinds: Record<string, KindStatus> = {};
      for (const s of steps) {
        const c = counts.get(s.kind) ?? { done: 0, failed: 0 };
        kinds[s.kind] = {
          done: c.done,
          failed: c.failed,
          pending: queues.get(s.kind)?.length ?? 0,
          running: running.get(s.kind)?.size ?? 0,
        };
        const file = current.get(s.kind);
        if (file !== undefined && (running.get(s.kind)?.size ?? 0) > 0) kinds[s.kind]!.current = file;
      }
      return { idle: isIdle(), kinds };
    },
    poke: () => scan(false),
    idle: () => (isIdle() ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
  };
}
