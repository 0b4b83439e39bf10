import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetId } from '@hearth/sync';
import type { AssetRecord, DerivedRecord } from './asset-record.ts';
import { DiskFullError, isDiskFull } from './errors.ts';
import type { NodeCatalog } from './node-catalog.ts';

type Entry = { op: 'add'; asset: AssetRecord } | { op: 'edit'; id: AssetId; edits: Partial<AssetRecord> } | { op: 'derived'; rec: DerivedRecord };

/**
 * Append-only JSON lines in `<dir>/catalog.jsonl`. Each record is written as
 * "\n<json>\n" in one O_APPEND write and fsynced, so a record torn by a crash stays on a
 * line of its own and is skipped on load, and the next record is never glued to it.
 */
export function createJsonlCatalog(dir: string): NodeCatalog {
  const file = join(dir, 'catalog.jsonl');
  const assets = new Map<AssetId, AssetRecord>();
  const derived = new Map<AssetId, Map<string, DerivedRecord>>();
  let offset = 0;
  let partial = '';
  let queue: Promise<unknown> = Promise.resolve();
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
      let m = derived.get(e.rec.asset);
      if (!m) derived.set(e.rec.asset, (m = new Map()));
      const prev = m.get(e.rec.kind);
      if (!prev || prev.version <= e.rec.version) m.set(e.rec.kind, e.rec);
    }
  }

  async function readNew(): Promise<AssetRecord[]> {
    const fresh: AssetRecord[] = [];
    const r = await open(file, 'a+');
    try {
      const { size } = await r.stat();
      if (size <= offset) return fresh;
      const buf = Buffer.alloc(size - offset);
      await r.read(buf, 0, buf.length, offset);
      offset = size;
      const lines = (partial + buf.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        try {
          apply(JSON.parse(line) as Entry, fresh);
        } catch {
          // A line torn by a crash: its record was never acknowledged, so skipping loses nothing.
        }
      }
    } finally {
      await r.close();
    }
    return fresh;
  }

  function append(e: Entry): Promise<void> {
    const p = queue.then(async () => {
      fh ??= await open(file, 'a');
      try {
        await fh.write(`\n${JSON.stringify(e)}\n`);
        await fh.sync();
      } catch (err) {
        if (isDiskFull(err)) throw new DiskFullError(file, { cause: err });
        throw err;
      }
      apply(e, []);
    });
    queue = p.catch(() => undefined);
    return p;
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
    derived: (id) => derived.get(id) ?? new Map(),
    onAdded(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    addDerived: (rec) => append({ op: 'derived', rec }),
    markProjected: (id) => append({ op: 'edit', id, edits: { projected: true } }),
    async stop() {
      await queue;
      await fh?.close();
      fh = undefined;
    },
  };
}
