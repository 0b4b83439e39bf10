import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A derived record (thumbnail, video, motion, ML…) as the node's journal stores it. */
export interface Derived {
  asset: string;
  kind: string;
  version: number;
  blobs: Record<string, string>;
  values?: Record<string, string | number>;
  failed?: string;
}

/** The newest derived record per asset and kind (`<asset>/<kind>`) in the node's append-only journal. */
export function derivedRecords(dataDir: string): Map<string, Derived> {
  const out = new Map<string, Derived>();
  for (const line of readFileSync(join(dataDir, 'catalog', 'catalog.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { op: string; rec?: Derived };
    if (e.op === 'derived' && e.rec) out.set(`${e.rec.asset}/${e.rec.kind}`, e.rec);
  }
  return out;
}
