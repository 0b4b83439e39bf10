import { createHash } from 'node:crypto';
import type { BlobHash } from '@hearth/sync';
import type { FsBlobStore } from '@hearth/sync/platform';
import type { NodeCatalog } from './node-catalog.ts';

/** What a scrub found. */
export interface ScrubReport {
  blobsChecked: number;
  /** Blobs whose bytes no longer match their hash (moved to quarantine when `repair`). */
  corrupt: string[];
  /** Originals or derivatives the catalog references that are not in the store. */
  missing: { asset: string; kind: string; blob: string }[];
}

/**
 * Re-hash every blob and check every catalog reference. A damaged blob is quarantined
 * when `repair` is set; a missing derivative is then remade by the reconcile loop.
 */
export async function scrub(
  catalog: NodeCatalog,
  blobs: FsBlobStore,
  opts: { repair?: boolean; onProgress?: (n: number) => void } = {},
): Promise<ScrubReport> {
  const r: ScrubReport = { blobsChecked: 0, corrupt: [], missing: [] };
  const bad = new Set<string>();
  for await (const h of blobs.list()) {
    const ok = (await hashStored(blobs, h).catch(() => undefined)) === h;
    r.blobsChecked++;
    opts.onProgress?.(r.blobsChecked);
    if (ok) continue;
    r.corrupt.push(h);
    bad.add(h);
    if (opts.repair) await blobs.quarantine(h);
  }
  await catalog.refresh();
  for (const a of catalog.assets()) {
    if (bad.has(a.original) || !(await blobs.has(a.original)))
      r.missing.push({ asset: a.id, kind: 'original', blob: a.original });
    for (const d of catalog.derived(a.id).values()) {
      for (const [name, h] of Object.entries(d.blobs)) {
        if (bad.has(h) || !(await blobs.has(h)))
          r.missing.push({ asset: a.id, kind: `${d.kind}.${name}`, blob: h });
      }
    }
  }
  return r;
}

/** SHA-256 of a stored blob, read through the store (small blobs are in pack files, not files of their own). */
async function hashStored(blobs: FsBlobStore, h: BlobHash): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of (await blobs.open(h)).body) hash.update(c);
  return hash.digest('hex');
}
