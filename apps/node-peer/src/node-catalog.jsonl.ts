import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { AssetId } from '@hearth/sync';
import type { AssetRecord, DerivedRecord } from './asset-record.ts';
import { DiskFullError, isDiskFull } from './errors.ts';
import type { NodeCatalog } from './node-catalog.ts';

const EMPTY: ReadonlyMap<string, DerivedRecord> = new Map();

type Entry =
  | { op: 'add'; asset: AssetRecord }
  | { op: 'edit'; id: AssetId; edits: Partial<AssetRecord> }
  | { op: 'derived'; rec: DerivedRecord };

/**
 * Append-only JSON lines in `<dir>/catalog.jsonl`. Each record is written as
 * "\n<json>\n" in an O_APPEND write (several records per write when they queue up) and
 * fsynced before its caller resolves, so a record torn by a crash stays on a line of its own
 * and is skipped on load, and the next record is never glued to it.
 */
export function createJsonlCatalog(dir: string): NodeCatalog {
  const file = join(dir, 'catalog.jsonl');
  const assets = new Map<AssetId, AssetRecord>();
  // One record (the common case: one step) or a few; a Map per asset costs too much at 100k.
  const derived = new Map<AssetId, DerivedRecord | DerivedRecord[]>();
  let offset = 0;
  let partial = '';
  let fh: FileHandle | undefined;
  const listeners = new Set<(a: AssetRecord) => void>();

  let version = 0;

  function apply(e: Entry, fresh: AssetRecord[]): void {
    version++;
    if (e.op === 'add') {
      if (!assets.has(e.asset.id)) {
        assets.set(e.asset.id, e.asset);
        fresh.push(e.asset);
        for (const l of listeners) l(e.asset);
      }
    } else if (e.op === 'edit') {
      const a = assets.get(e.id);
      if (a) assets.set(e.id, { ...a, ...e.edits });
    } else {
      const cur = derived.get(e.rec.asset);
      const list = cur === undefined ? [] : Array.isArray(cur) ? cur : [cur];
      const i = list.findIndex((r) => r.kind === e.rec.kind);
      if (i < 0) list.push(e.rec);
      else if ((list[i] as DerivedRecord).version <= e.rec.version) list[i] = e.rec;
      derived.set(e.rec.asset, list.length === 1 ? (list[0] as DerivedRecord) : list);
    }
  }

  async function readNew(): Promise<AssetRecord[]> {
    const fresh: AssetRecord[] = [];
    const r = await open(file, 'a+');
    try {
      const { size } = await r.stat();
      // Read in chunks: a 100k-asset journal is ~80 MB, and holding it whole would leave the
      // process that much bigger for good.
      const buf = Buffer.alloc(Math.min(64 << 10, Math.max(0, size - offset)));
      const decoder = new StringDecoder('utf8');
      while (offset < size) {
        const { bytesRead } = await r.read(buf, 0, Math.min(buf.length, size - offset), offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        const lines = (partial + decoder.write(buf.subarray(0, bytesRead))).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line) continue;
          try {
            apply(JSON.parse(line) as Entry, fresh);
          } catch {
            // A line torn by a crash: its record was never acknowledged, so skipping loses nothing.
          }
        }
      }
    } finally {
      await r.close();
    }
    return fresh;
  }

  /** Records waiting for the next write; see `flush`. */
  let batch: { e: Entry; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;

  /**
   * Group commit: every record queued while a write + fsync is in flight goes into the next
   * write together, with one fsync for all of them. A parallel import then pays one fsync per
   * batch instead of one per record; each caller still resolves only once its record is durable.
   */
  async function flush(): Promise<void> {
    while (batch.length) {
      const b = batch;
      batch = [];
      try {
        fh ??= await open(file, 'a');
        await fh.write(b.map((x) => `\n${JSON.stringify(x.e)}\n`).join(''));
        await fh.sync();
      } catch (err) {
        const e = isDiskFull(err) ? new DiskFullError(file, { cause: err }) : err;
        for (const x of b) x.reject(e);
        continue;
      }
      for (const x of b) {
        apply(x.e, []);
        x.resolve();
      }
    }
    flushing = undefined;
  }

  function append(e: Entry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      batch.push({ e, resolve, reject });
      flushing ??= flush();
    });
  }

  return {
    async start() {
      await mkdir(dir, { recursive: true });
      await readNew();
    },
    refresh: () => readNew(),
    get: (id) => assets.get(id),
    assets: () => assets.values(),
    get size() {
      return assets.size;
    },
    get version() {
      return version;
    },
    async add(record) {
      if (assets.has(record.id)) return false;
      await append({ op: 'add', asset: record });
      return true;
    },
    async edit(id, edits) {
      await append({ op: 'edit', id, edits });
    },
    derived(id) {
      const cur = derived.get(id);
      if (cur === undefined) return EMPTY;
      return new Map((Array.isArray(cur) ? cur : [cur]).map((r) => [r.kind, r]));
    },
    onAdded(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    addDerived: (rec) => append({ op: 'derived', rec }),
    markProjected: (id, v) =>
      append({
        op: 'edit',
        id,
        edits: v === undefined ? { projected: true } : { projected: true, projectedDerived: v },
      }),
    async stop() {
      await flushing;
      await fh?.close();
      fh = undefined;
    },
  };
}
