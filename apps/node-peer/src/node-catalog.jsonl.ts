import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetId, BlobHash } from '@hearth/sync';
import type { AssetRecord, DerivedRecord } from './asset-record.ts';
import { DiskFullError, isDiskFull } from './errors.ts';
import type { NodeCatalog } from './node-catalog.ts';
import { readLines, snapshotMatches, writeSnapshot, type SnapshotHeader } from './journal-snapshot.ts';

const EMPTY: ReadonlyMap<string, DerivedRecord> = new Map();

type Entry =
  | { op: 'add'; asset: AssetRecord }
  | { op: 'edit'; id: AssetId; edits: Partial<AssetRecord> }
  | { op: 'derived'; rec: DerivedRecord };

/**
 * Append-only JSON lines in `<dir>/catalog.jsonl`, with `<dir>/catalog.snapshot` (written by
 * `compact()`: one line per asset, for a prefix of the journal) so a start reads the state
 * and only the journal's tail, not every record ever written. Each record is written as
 * "\n<json>\n" in an O_APPEND write (several records per write when they queue up) and
 * fsynced before its caller resolves, so a record torn by a crash stays on a line of its own
 * and is skipped on load, and the next record is never glued to it.
 */
export function createJsonlCatalog(dir: string): NodeCatalog {
  const file = join(dir, 'catalog.jsonl');
  const snapFile = join(dir, 'catalog.snapshot');
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
      // `original` equals the id: hold one string, not two (100k assets: ~8 MB).
      if ((e.asset.original as string) === e.asset.id) e.asset.original = e.asset.id as string as BlobHash;
      if (!assets.has(e.asset.id)) {
        assets.set(e.asset.id, e.asset);
        fresh.push(e.asset);
        for (const l of listeners) l(e.asset);
      }
    } else if (e.op === 'edit') {
      const a = assets.get(e.id);
      if (a) assets.set(e.id, { ...a, ...e.edits });
    } else {
      e.rec.asset = assets.get(e.rec.asset)?.id ?? e.rec.asset;
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
    const r = await readLines(
      file,
      offset,
      (line) => {
        try {
          apply(JSON.parse(line) as Entry, fresh);
        } catch {
          // A line torn by a crash: its record was never acknowledged, so skipping loses nothing.
        }
      },
      partial,
    );
    offset = r.offset;
    partial = r.partial;
    return fresh;
  }

  /** Journal bytes the snapshot (if any) stands for. */
  let snapshotBytes = 0;

  /** Load `catalog.snapshot` when it matches the journal; the journal is then read from where it ends. */
  async function loadSnapshot(): Promise<void> {
    let header: SnapshotHeader | undefined;
    let headerLen = 0;
    const h = await open(snapFile, 'r').catch(() => undefined);
    if (!h) return;
    try {
      const b = Buffer.alloc(1024);
      const { bytesRead } = await h.read(b, 0, b.length, 0);
      const nl = b.subarray(0, bytesRead).indexOf(10);
      if (nl > 0) {
        header = JSON.parse(b.subarray(0, nl).toString('utf8')) as SnapshotHeader;
        headerLen = nl + 1;
      }
    } catch {
      header = undefined;
    } finally {
      await h.close();
    }
    // A snapshot of another journal (or a damaged one) is ignored: the journal is the truth.
    if (!header || !(await snapshotMatches(file, header))) return;
    await readLines(snapFile, headerLen, (line) => {
      const [a, list] = JSON.parse(line) as [AssetRecord, Omit<DerivedRecord, 'asset'>[]];
      a.original ??= a.id as string as BlobHash;
      assets.set(a.id, a);
      const recs = list.map((r) => ({ ...r, asset: a.id }));
      if (recs.length) derived.set(a.id, recs.length === 1 ? (recs[0] as DerivedRecord) : recs);
      version++;
    });
    offset = snapshotBytes = header.journalBytes;
  }

  /** One snapshot line per asset: the record (its `original`, equal to the id, left out) and its derivative records. */
  function* snapshotLines(): Generator<string> {
    for (const a of assets.values()) {
      const { original, ...rest } = a;
      const cur = derived.get(a.id);
      const list = cur === undefined ? [] : Array.isArray(cur) ? cur : [cur];
      yield JSON.stringify([
        (original as string) === a.id ? rest : a,
        list.map(({ asset: _asset, ...r }) => r),
      ]);
    }
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
      await loadSnapshot();
      await readNew();
    },
    async tailBytes() {
      const size = await stat(file).then(
        (st) => st.size,
        () => 0,
      );
      return Math.max(0, size - snapshotBytes);
    },
    async compact() {
      await flushing;
      await readNew();
      // The state now is exactly the journal's complete lines up to here.
      const upTo = offset - Buffer.byteLength(partial);
      await writeSnapshot(snapFile, file, upTo, snapshotLines());
      snapshotBytes = upTo;
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
    markProjected: (id, v, motion) =>
      append({
        op: 'edit',
        id,
        edits: {
          projected: true,
          ...(v === undefined ? {} : { projectedDerived: v }),
          ...(motion === undefined ? {} : { projectedMotion: motion }),
        },
      }),
    async stop() {
      await flushing;
      await fh?.close();
      fh = undefined;
    },
  };
}
